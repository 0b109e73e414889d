"""The bundled demo news site: six fictional outlets that `newsflow demo` serves and ingests."""

from newsflow.flows.demo.content import DemoArticle
from newsflow.flows.demo.server import serve_demo_site
from newsflow.flows.demo.site import DemoResponse, DemoSite, Outlet

__all__ = ["DemoArticle", "DemoResponse", "DemoSite", "Outlet", "serve_demo_site"]
