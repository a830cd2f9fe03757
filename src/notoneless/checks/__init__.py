"""The five checks of contract section 3 and their rules (attribution, definitions)."""
