class GeometryError(Exception):
    """A build that cannot give a valid part; `code` is the job's error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
