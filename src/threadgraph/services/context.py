"""What the model is given: for now the branch, newest turns first within a budget.

The memory from other chats and its provenance come with context assembly (issue 5).
"""

from __future__ import annotations

from threadgraph.models import Message, Status
from threadgraph.ports import PromptMessage


def branch_prompt(branch: list[Message], budget_chars: int) -> list[PromptMessage]:
    """The branch (root .. prompt) as model input, oldest first.

    Newest messages are kept first: walking back from the prompt, a message is taken
    while it fits the budget. System messages at the root are always kept. Failed or
    empty replies are left out (they are not something the model said).
    """
    usable = [m for m in branch if m.content and m.status is not Status.FAILED]
    system = [m for m in usable if m.role.value == "system" and m.parent_id is None]
    rest = [m for m in usable if m not in system]
    kept: list[Message] = []
    used = sum(len(m.content) for m in system)
    for message in reversed(rest):
        if kept and used + len(message.content) > budget_chars:
            break
        kept.append(message)
        used += len(message.content)
    kept.reverse()
    return [PromptMessage(m.role.value, m.content) for m in system + kept]
