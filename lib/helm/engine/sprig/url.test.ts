import { describe, expect, it } from "vitest";
import { callSprig } from "./test-support";
import { type GoValue } from "../value";

/** Expected: what Go 1.19's text/template with Sprig 3.2.3 printed for `printf "%T %#v"` of each call. */
const cases: [string, GoValue[], string][] = [
  [
    "urlParse",
    ["https://user:p%40ss@host.example:8443/a%20b/c?x=1&y=2#frag%21"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"frag!\", \"host\":\"host.example:8443\"" +
      ", \"hostname\":\"host.example\", \"opaque\":\"\", \"path\":\"/a b/c\", \"query\":\"x=1&y=2\", \"scheme" +
      "\":\"https\", \"userinfo\":\"user:p%40ss\"}",
  ],
  [
    "urlParse",
    ["postgresql://airflow:pw@db:5432/airflow?sslmode=disable"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"db:5432\", \"hostname\":" +
      "\"db\", \"opaque\":\"\", \"path\":\"/airflow\", \"query\":\"sslmode=disable\", \"scheme\":\"postgresql" +
      "\", \"userinfo\":\"airflow:pw\"}",
  ],
  [
    "urlParse",
    ["mailto:joe@example.com"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"\", \"hostname\":\"\", " +
      "\"opaque\":\"joe@example.com\", \"path\":\"\", \"query\":\"\", \"scheme\":\"mailto\", \"userinfo\":\"" +
      "\"}",
  ],
  [
    "urlParse",
    ["/relative?q"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"\", \"hostname\":\"\", " +
      "\"opaque\":\"\", \"path\":\"/relative\", \"query\":\"q\", \"scheme\":\"\", \"userinfo\":\"\"}",
  ],
  [
    "urlParse",
    ["//cdn.example/x"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"cdn.example\", \"hostnam" +
      "e\":\"cdn.example\", \"opaque\":\"\", \"path\":\"/x\", \"query\":\"\", \"scheme\":\"\", \"userinfo\":" +
      "\"\"}",
  ],
  [
    "urlParse",
    ["http://[::1]:8080/"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"[::1]:8080\", \"hostname" +
      "\":\"::1\", \"opaque\":\"\", \"path\":\"/\", \"query\":\"\", \"scheme\":\"http\", \"userinfo\":\"\"}",
  ],
  [
    "urlParse",
    ["file:///etc/hosts"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"\", \"hostname\":\"\", " +
      "\"opaque\":\"\", \"path\":\"/etc/hosts\", \"query\":\"\", \"scheme\":\"file\", \"userinfo\":\"\"}",
  ],
  [
    "urlParse",
    ["HTTP://Example.COM/"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"Example.COM\", \"hostnam" +
      "e\":\"Example.COM\", \"opaque\":\"\", \"path\":\"/\", \"query\":\"\", \"scheme\":\"http\", \"userinfo" +
      "\":\"\"}",
  ],
  [
    "urlParse",
    ["http://h/#"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"h\", \"hostname\":\"h\"," +
      " \"opaque\":\"\", \"path\":\"/\", \"query\":\"\", \"scheme\":\"http\", \"userinfo\":\"\"}",
  ],
  [
    "urlParse",
    ["http://h/?"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"h\", \"hostname\":\"h\"," +
      " \"opaque\":\"\", \"path\":\"/\", \"query\":\"\", \"scheme\":\"http\", \"userinfo\":\"\"}",
  ],
  [
    "urlParse",
    [""],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"\", \"hostname\":\"\", " +
      "\"opaque\":\"\", \"path\":\"\", \"query\":\"\", \"scheme\":\"\", \"userinfo\":\"\"}",
  ],
  [
    "urlParse",
    ["*"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"\", \"hostname\":\"\", " +
      "\"opaque\":\"\", \"path\":\"*\", \"query\":\"\", \"scheme\":\"\", \"userinfo\":\"\"}",
  ],
  ["urlParse", [":nope"], "ERR: unable to parse url: parse \":nope\": missing protocol scheme"],
  [
    "urlParse",
    ["a:b/c"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"\", \"hostname\":\"\", " +
      "\"opaque\":\"b/c\", \"path\":\"\", \"query\":\"\", \"scheme\":\"a\", \"userinfo\":\"\"}",
  ],
  [
    "urlParse",
    ["a/b:c"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"\", \"hostname\":\"\", " +
      "\"opaque\":\"\", \"path\":\"a/b:c\", \"query\":\"\", \"scheme\":\"\", \"userinfo\":\"\"}",
  ],
  ["urlParse", ["http://%zz/"], "ERR: unable to parse url: parse \"http://%zz/\": invalid URL escape \"%zz\""],
  [
    "urlParse",
    ["http://h:port/"],
    "ERR: unable to parse url: parse \"http://h:port/\": invalid port \":port\" after host",
  ],
  ["urlParse", ["http://us er@h/"], "ERR: unable to parse url: parse \"http://us er@h/\": net/url: invalid userinfo"],
  ["urlParse", ["http://[::1/"], "ERR: unable to parse url: parse \"http://[::1/\": missing ']' in host"],
  [
    "urlParse",
    ["http://h\u00e9/"],
    "map[string]interface {} map[string]interface {}{\"fragment\":\"\", \"host\":\"h\u00e9\", \"hostname\":" +
      "\"h\u00e9\", \"opaque\":\"\", \"path\":\"/\", \"query\":\"\", \"scheme\":\"http\", \"userinfo\":\"\"}",
  ],
  [
    "urlJoin",
    [{ "scheme": "https", "host": "h:80", "path": "/a b", "query": "x=1", "fragment": "f g!", "userinfo": "u:p@w" }],
    "string \"https://u:p%40w@h:80/a%20b?x=1#f%20g!\"",
  ],
  ["urlJoin", [{ "scheme": "mailto", "opaque": "joe@x" }], "string \"mailto:joe@x\""],
  ["urlJoin", [{ "host": "h", "path": "rel" }], "string \"//h/rel\""],
  ["urlJoin", [{ "path": "a:b" }], "string \"./a:b\""],
  ["urlJoin", [{ "userinfo": "u", "host": "h" }], "string \"//u@h\""],
  ["urlJoin", [{ "scheme": 1n }], "ERR: unable to parse scheme key, must be of type string, but int found"],
  ["urlJoin", [{ "scheme": null }], "ERR: runtime error: invalid memory address or nil pointer dereference"],
  ["urlJoin", [{}], "string \"\""],
  [
    "urlJoin",
    [{ "userinfo": "a b" }],
    "ERR: unable to parse userinfo in dict: parse \"proto://a b@host\": net/url: invalid userinfo",
  ],

];

describe("sprig urlParse and urlJoin (Go net/url)", () => {
  it("decodes escapes to bytes; bytes that are not UTF-8 become U+FFFD (Go keeps them)", () => {
    expect(callSprig("urlParse", ["http://h/%e9t%C3%A9"])).toContain('"path":"/\ufffdt\u00e9"');
  });

  it.each(cases)("%s (case %#)", (name, args, expected) => {
    expect(callSprig(name, args)).toBe(expected);
  });
});
