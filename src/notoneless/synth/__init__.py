"""The sample-bundle generator: a simulated prefecture of 湖南 with known truth, for
the demo, the tests and the benchmarks (`notoneless generate`).

``generate_bundle(out, WorldConfig(...))`` writes ``out/bundle`` (the contract's ten
files and manifest) and ``out/truth`` (the answer key).

May import every layer up to the services (it is a tool beside the product); only the
commands and the CLI import it.
"""

from notoneless.synth.generate import GenerationSummary, build_world, generate_bundle
from notoneless.synth.rates import DirtRates, HardCaseRates, PopulationRates, WorldConfig

__all__ = ["DirtRates", "GenerationSummary", "HardCaseRates", "PopulationRates", "WorldConfig", "build_world",
           "generate_bundle"]
