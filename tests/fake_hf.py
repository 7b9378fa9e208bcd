"""A stand-in for Hugging Face's chat-completions API: a real HTTP server on 127.0.0.1 that
answers from a script with the real wire format (choices, usage, error bodies)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def completion(content: str, prompt_tokens: int = 900, completion_tokens: int = 300) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1764150000,
        "model": "Qwen/Qwen2.5-72B-Instruct",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def ok(spec_or_text) -> tuple:
    content = spec_or_text if isinstance(spec_or_text, str) else json.dumps(spec_or_text)
    return 200, {}, completion(content), 0.0


def error(status: int, message: str, retry_after: str | None = None) -> tuple:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return status, headers, {"error": {"message": message, "type": "server_error"}}, 0.0


def slow(seconds: float) -> tuple:
    return 200, {}, completion("{}"), seconds


class FakeHuggingFace:
    def __init__(self):
        self.script: list[tuple] = []
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(
                    {
                        "path": self.path,
                        "body": body,
                        "authorization": self.headers.get("Authorization"),
                    }
                )
                status, headers, payload, delay = (
                    fake.script.pop(0) if fake.script else error(500, "no scripted answer")
                )
                time.sleep(delay)  # simulates a provider that takes too long
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in {
                    **headers,
                    "Content-Type": "application/json",
                    "Content-Length": str(len(data)),
                }.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, *responses: tuple) -> None:
        self.script.extend(responses)

    def stop(self) -> None:
        self.server.shutdown()
