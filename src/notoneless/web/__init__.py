"""The officer web pages (一个不能少 网页): sign-in, 工作台, 台账, 案件, 儿童档案, served by
``notoneless serve`` under ``/app`` beside the JSON API, in Chinese, server-rendered
(Jinja2) with htmx for partial updates and ECharts for the chart (browser assets from
npm, installed by ``make``; never a CDN). docs/web.md describes the pages.

Pages are adapters, like the API's routers: they call the same domain functions and the
same API route functions, so scoping (``access.Caller``), masking and the audit of every
read of a child are the API's own, not written again. What is the web's own: sessions
and CSRF (sessions.py), evidence files (evidence.py), templates and the page routes
(pages.py), and the assembly with the API (app.py).

May import the layers below http (services, domain, checks, graph, foundation …) and
``notoneless.api`` beside it (the API never imports the pages).
"""
