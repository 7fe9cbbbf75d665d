"""The page's templates and static files, installed as the package ``searchsvc.web``."""
