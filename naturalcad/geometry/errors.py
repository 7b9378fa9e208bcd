class GeometryError(Exception):
    """A build that cannot give a valid part; `code` is the job's error code and `path` the
    JSON path of the feature that failed, when one did."""

    def __init__(self, code: str, message: str, path: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
