"""What the model is given: for now the branch, newest turns first within a budget.

The memory from other chats and its provenance come with context assembly (issue 5).
"""

from __future__ import annotations

from threadgraph.models import Message, Status
from threadgraph.ports import PromptMessage


def branch_prompt(branch: list[Message], budget_chars: int) -> list[PromptMessage]:
    """The branch (oldest first, ending at the prompt) as model input.

    Newest messages are kept first: walking back from the prompt, a message is taken
    while it fits the budget. Failed or empty replies are left out (they are not
    something the model said).
    """
    usable = [m for m in branch if m.content and m.status is not Status.FAILED]
    kept: list[Message] = []
    used = 0
    for message in reversed(usable):
        if kept and used + len(message.content) > budget_chars:
            break
        kept.append(message)
        used += len(message.content)
    kept.reverse()
    return [PromptMessage(m.role.value, m.content) for m in kept]
