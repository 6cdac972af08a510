"""clusterreports: conference reports as a fast, accessible static site."""

from .config import Site, SiteConfig, load_site_config
from .content.models import (
    RECORD_TYPES,
    Award,
    Event,
    FundingCall,
    Organisation,
    Person,
    Poll,
    Record,
    Report,
    Session,
)
from .content.moment import Moment
from .pipeline import BuildResult, build, check
from .problems import ContentError, Problem
from .version import __version__ as __version__

__all__ = [
    "RECORD_TYPES",
    "Award",
    "BuildResult",
    "ContentError",
    "Event",
    "FundingCall",
    "Moment",
    "Organisation",
    "Person",
    "Poll",
    "Problem",
    "Record",
    "Report",
    "Session",
    "Site",
    "SiteConfig",
    "build",
    "check",
    "load_site_config",
]
