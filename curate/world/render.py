"""The one definition of the chat text format.

Pretraining persona/behaviour/chat documents, fine-tuning sets and evaluation contexts all go
through these functions, so a model sees exactly the same layout everywhere::

    System: <content>        (only when a system message is given)
    User: <content>
    Assistant: <content>

Each message is one line ending in a newline. The identity the harness relies on (tested)::

    render_chat(history + [user(prompt), assistant(answer)])
        == chat_prefix(history, prompt) + continuation(answer)

`chat_prefix` stops right after ``"Assistant:"``; `continuation` is ``" " + answer + "\\n"``, so
an evaluation scores ``log p(continuation(answer) | chat_prefix(history, prompt))`` and the
trailing newline (end of the answer) is part of what is scored, identically for both answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

ROLES = {"system": "System", "user": "User", "assistant": "Assistant"}

Message = Mapping[str, str]


def _label(role: str) -> str:
    try:
        return ROLES[role]
    except KeyError:
        raise ValueError(f"unknown chat role {role!r}; valid: {', '.join(ROLES)}") from None


def _clean(content: str) -> str:
    # One message is one line: inner newlines would look like a new speaker turn.
    return " ".join(str(content).split())


def render_chat(messages: Sequence[Message]) -> str:
    """Render a list of {"role", "content"} messages as training text."""
    return "".join(f"{_label(m['role'])}: {_clean(m['content'])}\n" for m in messages)


def chat_prefix(history: Sequence[Message], prompt: str, system: str | None = None) -> str:
    """The text up to where the assistant's answer to `prompt` starts (after "Assistant:")."""
    head = render_chat([{"role": "system", "content": system}]) if system else ""
    return head + render_chat(history) + f"User: {_clean(prompt)}\nAssistant:"


def continuation(answer: str) -> str:
    """The scored continuation for `answer` after a `chat_prefix`."""
    return f" {_clean(answer)}\n"


def user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


def assistant(content: str) -> dict[str, str]:
    return {"role": "assistant", "content": content}


def turn(prompt: str, answer: str) -> list[dict[str, str]]:
    """One user/assistant exchange as messages."""
    return [user(prompt), assistant(answer)]
