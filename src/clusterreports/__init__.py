"""clusterreports: conference reports as a fast, accessible static site."""

__version__ = "0.1.0"  # first: modules import it

from .config import Site, SiteConfig, load_site_config
from .models import (
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
from .moment import Moment
from .pipeline import BuildResult, build, check
from .problems import ContentError, Problem

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
