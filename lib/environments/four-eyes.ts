/**
 * Four eyes: nobody approves their own request, admins included. Shared by the approval form,
 * which says so before anyone clicks, and the server, which refuses whatever the form sent.
 */
export const OWN_REQUEST_MESSAGE = "You requested this environment, so another admin must approve it. You can still reject it.";

export const OWN_CHANGE_MESSAGE = "You asked for this change, so another admin must approve it. You can still reject it.";
