import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from naturalcad.errors import CodedError


class LimitedJSONParser(JSONParser):
    """JSON parser that refuses bodies over REQUEST_MAX_BYTES with 413 before parsing them.

    DRF reads the request stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never applies.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.REQUEST_MAX_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise CodedError("payload_too_large", f"The request body is over {limit} bytes.")
        return super().parse(io.BytesIO(body), media_type, parser_context)
