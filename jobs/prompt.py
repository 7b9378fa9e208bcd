"""A prompt as the job path keys it: one normal form, and the prompt cache's key.

Pure functions with no imports from the rest of `jobs`, so that services, the pipeline and
inference share them without importing each other.
"""

import hashlib
import re
import unicodedata


def normalize_prompt(prompt: str) -> str:
    """Case, Unicode compatibility forms and runs of white space do not change a prompt."""
    text = unicodedata.normalize("NFKC", prompt).casefold()
    return re.sub(r"\s+", " ", text).strip()


def prompt_key(normalized_prompt: str, output_type: str, mode: str) -> str:
    """sha256 of the normalized prompt, output type and mode: the prompt cache's key."""
    return hashlib.sha256(f"{normalized_prompt}\x00{output_type}\x00{mode}".encode()).hexdigest()
