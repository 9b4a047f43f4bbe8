import { expect, test } from "@playwright/test";
import { seedPendingRequests, uniqueName } from "./support/db";
import { signIn } from "./support/sign-in";

test("an admin's own request cannot be approved by them: the form says why", async ({ page }) => {
  await signIn(page, "admin", { returnTo: "/admin" });
  const [name] = await seedPendingRequests({ teamSlug: "data-platform", requesterName: "Ada Admin", prefix: uniqueName("own"), count: 1 });
  await page.reload();

  const request = page.getByRole("article").filter({ has: page.getByRole("heading", { name: name! }) });
  const approve = request.getByRole("button", { name: `Approve ${name}` });
  await expect(approve).toBeDisabled();
  await expect(approve).toHaveAccessibleDescription("You requested this environment, so another admin must approve it. You can still reject it.");
  await expect(request.getByRole("button", { name: `Reject ${name}` })).toBeEnabled();
});
