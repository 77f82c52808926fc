// What the page knows right now, shared by the views. Views talk to each other through
// `actions` (set up by main.js) so that no module imports another in a circle.

export const state = {
  chat: null, // the open chat (ChatPublic)
  messages: [], // its active branch, root to HEAD
  tree: [], // every message of the chat (TreeNode), for sibling counts
  models: [], // from /api/models
  defaultModel: null,
  maxReplyTokens: null, // a reply with this many tokens hit the length limit
  streaming: null, // {replyId, controller, stopping} while a reply is being written
  opening: null, // a promise while "New chat" is making and opening a chat
  auth: "local", // how people sign in (GET /health): "local" (nobody) or "accounts"
  account: null, // the signed-in person (AccountPublic), accounts mode only
};

export const actions = {
  openChat: async (_chatId, _focusId) => {},
  refreshChats: async () => {},
  refreshTopics: async () => {},
};

export const isLocalModel = (id) => state.models.some((m) => m.id === id && m.local);

export function selectedModel() {
  const picker = document.getElementById("model-picker");
  return picker.value || undefined;
}
