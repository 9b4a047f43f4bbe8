import { describe, expect, it } from "vitest";
import { actionPayloadVerdict, isDecodableActionPayload } from "./server-action-payload";

async function multipart(fields: Record<string, string>): Promise<{ contentType: string; body: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const request = new Request("http://portal.test/", { method: "POST", body: form });
  return { contentType: request.headers.get("content-type")!, body: await request.text() };
}

describe("isDecodableActionPayload", () => {
  it("passes what the browser sends for a form action: the previous state and the form's fields", async () => {
    const { contentType, body } = await multipart({ "0": '[{"ok":null},"$K1"]', "1_id": "x", "1_reason": "fine" });
    await expect(isDecodableActionPayload(contentType, body)).resolves.toBe(true);
    const after = await multipart({ "0": '[{"ok":false,"message":"$$5 off","fieldErrors":{"reason":["r"]}},"$K1"]', "1_id": "x" });
    await expect(isDecodableActionPayload(after.contentType, after.body)).resolves.toBe(true);
  });

  it("passes plain-text argument lists with inline values, and a form posted without JavaScript", async () => {
    await expect(isDecodableActionPayload("text/plain;charset=UTF-8", '["a",1,"$undefined","$D2030-01-01T00:00:00.000Z","$n12"]')).resolves.toBe(true);
    const form = await multipart({ $ACTION_ID_abc: "", name: "x" });
    await expect(isDecodableActionPayload(form.contentType, form.body)).resolves.toBe(true);
  });

  it("passes references to parts that are there", async () => {
    const { contentType, body } = await multipart({ "0": '["$@2"]', "2": '"value"' });
    await expect(isDecodableActionPayload(contentType, body)).resolves.toBe(true);
  });

  it.each([
    ["text/plain", "{not json"],
    ["text/plain", '{"x":1}'],
    ["text/plain", '["$K1"]'],
    ["text/plain", '["$@9"]'],
    ["text/plain", '[{"deep":["$Q3"]}]'],
    ["multipart/form-data; boundary=zzz", "garbage"],
    ["multipart/form-data; boundary=zzz", '--zzz\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"\r\n--zzz--\r\n'],
    ["application/json", "[]"],
  ])("refuses %s %j", async (contentType, body) => {
    await expect(isDecodableActionPayload(contentType, body)).resolves.toBe(false);
  });

  it("refuses a multipart reference to a part that is not there", async () => {
    const { contentType, body } = await multipart({ "0": '["$@9"]' });
    await expect(isDecodableActionPayload(contentType, body)).resolves.toBe(false);
  });
});

describe("actionPayloadVerdict", () => {
  it("passes a form action's call: the previous state and a FormData", async () => {
    const { contentType, body } = await multipart({ "0": '[{"ok":null},"$K1"]', "1_id": "x" });
    await expect(actionPayloadVerdict(contentType, body)).resolves.toBe("ok");
    const first = await multipart({ "0": '[null,"$K1"]' });
    await expect(actionPayloadVerdict(first.contentType, first.body)).resolves.toBe("ok");
    const noScript = await multipart({ $ACTION_ID_abc: "", id: "x" });
    await expect(actionPayloadVerdict(noScript.contentType, noScript.body)).resolves.toBe("ok");
  });

  it.each([
    ["text/plain;charset=UTF-8", '[{"ok":null}]'],
    ["text/plain;charset=UTF-8", "[]"],
    ["text/plain;charset=UTF-8", '[{"ok":null},"id"]'],
    ["text/plain;charset=UTF-8", '[{"ok":null},{"id":"x"}]'],
    ["text/plain;charset=UTF-8", '["x","y"]'],
  ])("calls %s %j the wrong shape", async (contentType, body) => {
    await expect(actionPayloadVerdict(contentType, body)).resolves.toBe("wrong-shape");
  });

  it("calls a multipart list without its FormData, or with more arguments, the wrong shape", async () => {
    for (const list of ['[{"ok":null}]', '[{"ok":null},"$K1","$K1"]', '["$K1"]']) {
      const { contentType, body } = await multipart({ "0": list });
      await expect(actionPayloadVerdict(contentType, body), list).resolves.toBe("wrong-shape");
    }
  });

  it("calls what Next.js cannot decode undecodable", async () => {
    await expect(actionPayloadVerdict("text/plain", "{not json")).resolves.toBe("undecodable");
  });
});
