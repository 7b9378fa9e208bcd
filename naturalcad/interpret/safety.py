"""Spotting prompts that look like code or like an attempt to steer the model.

Nothing is ever executed either way (prompts are data); this only decides that such a prompt
goes to the rules interpreter and not to the paid model, and that it is flagged for review.
"""

import re

_PATTERNS = {
    "code_fence": r"```",
    "python_import": r"\b(import\s+\w+|from\s+\w+\s+import|__import__|exec\s*\(|eval\s*\()",
    "shell_command": r"(\brm\s+-rf\b|\bcurl\s+\S+|\bwget\s+\S+|;\s*sudo\b|\$\(|`[^`]+`|\|\s*sh\b)",
    "prompt_injection": r"(ignore (all |any )?(previous|prior|above) (instructions|prompts?)"
    r"|system prompt|you are now|disregard .{0,20}instructions)",
    "file_access": r"(/etc/passwd|\.\./|open\s*\()",
}


def suspicious_patterns(prompt: str) -> list[str]:
    text = prompt.lower()
    return [name for name, pattern in _PATTERNS.items() if re.search(pattern, text)]
