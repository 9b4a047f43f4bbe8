import { describe, expect, it } from "vitest";
import { isAllowedDagHost, isForbiddenRepositoryHost, normaliseHost } from "./dag-repository";

describe("isForbiddenRepositoryHost", () => {
  it.each([
    // localhost however the name is spelt: trailing dot, percent-encoded dot, case, subdomains.
    "https://localhost/dags.git",
    "https://localhost./dags.git",
    "https://localhost%2e/dags.git",
    "https://localhost%2E/dags.git",
    "https://LocalHost../dags.git",
    "https://a.localhost./dags.git",
    "https://%6c%6f%63%61%6c%68%6f%73%74/dags.git",
    "https://ｌｏｃａｌｈｏｓｔ/dags.git",
    "https://localhost:8443/dags.git",
    "https://localhost.:8443/dags.git",
    // Names that resolve inside the cluster or the cloud.
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata.google.internal./computeMetadata/v1/",
    "https://instance-data.ec2.internal/latest/",
    "https://printer.local/dags.git",
    "https://airflow-api.default.svc.cluster.local/dags.git",
    "https://kubernetes.default.svc/dags.git",
    "https://kubernetes/dags.git",
    "https://1.0.0.127.in-addr.arpa/dags.git",
    // IPv4 in every notation, and any IPv4 not written as plain dotted decimal.
    "https://127.0.0.1/dags.git",
    "https://127.0.0.1./dags.git",
    "https://2130706433/dags.git",
    "https://0177.0.0.1/dags.git",
    "https://0x7f.1/dags.git",
    "https://0x7f000001/dags.git",
    "https://127.1/dags.git",
    "https://%31%32%37.0.0.1/dags.git",
    "https://１２７．０．０．１/dags.git",
    "https://010.8.8.8/dags.git",
    "https://134744072/dags.git",
    "https://169.254.169.254/metadata/instance",
    "https://0251.0376.0251.0376/metadata",
    "https://0.0.0.0/dags.git",
    "https://10.1.2.3/dags.git",
    "https://172.16.0.1/dags.git",
    "https://192.168.1.1/dags.git",
    "https://100.64.0.1/dags.git",
    // IPv6, including IPv4-mapped, -compatible, NAT64 and 6to4 forms of internal addresses.
    "https://[::1]/dags.git",
    "https://[0:0:0:0:0:0:0:1]/dags.git",
    "https://[::]/dags.git",
    "https://[fe80::1]/dags.git",
    "https://[fd00::1]/dags.git",
    "https://[ff02::1]/dags.git",
    "https://[::ffff:127.0.0.1]/dags.git",
    "https://[::ffff:7f00:1]/dags.git",
    "https://[0:0:0:0:0:ffff:169.254.169.254]/metadata",
    "https://[::127.0.0.1]/dags.git",
    "https://[64:ff9b::a9fe:a9fe]/metadata",
    "https://[2002:7f00:1::]/dags.git",
    // Not a host at all.
    "https://exa mple.com/dags.git",
    "https://a..b.com/dags.git",
    "https://%zz.com/dags.git",
    "https://xn--zz.com/dags.git",
  ])("refuses %s", (url) => {
    expect(isForbiddenRepositoryHost(url)).toBe(true);
  });

  it.each([
    "https://github.com/org/dags.git",
    "https://github.com./org/dags.git",
    "https://GitHub.com/org/dags.git",
    "https://git.contoso.example:8443/org/dags.git",
    "https://bücher.example/dags.git",
    "https://8.8.8.8/org/dags.git",
    "https://172.32.0.1/org/dags.git",
    "https://[2606:4700::1111]/dags.git",
    "https://[::ffff:8.8.8.8]/dags.git",
    "https://localhost.example.com/dags.git",
  ])("takes %s", (url) => {
    expect(isForbiddenRepositoryHost(url)).toBe(false);
  });
});

describe("normaliseHost", () => {
  it("decodes, lower-cases, drops trailing dots and writes IDNA as ASCII, keeping IPv4 notations as written", () => {
    expect(normaliseHost("LocalHost%2E")).toBe("localhost");
    expect(normaliseHost("Bücher.Example.")).toBe("xn--bcher-kva.example");
    expect(normaliseHost("0x7f.1")).toBe("0x7f.1");
    expect(normaliseHost("[::1]")).toBe("[::1]");
  });
});

describe("isAllowedDagHost", () => {
  const list = ["github.com", ".git.contoso.example"];
  it("matches the normalised host, both as written and as parsed", () => {
    expect(isAllowedDagHost("https://github.com./org/dags.git", list)).toBe(true);
    expect(isAllowedDagHost("https://GITHUB.COM/org/dags.git", list)).toBe(true);
    expect(isAllowedDagHost("https://dev.git.contoso.example./dags.git", list)).toBe(true);
    expect(isAllowedDagHost("https://git.contoso.example/dags.git", list)).toBe(false);
    expect(isAllowedDagHost("https://evilgithub.com/dags.git", list)).toBe(false);
    expect(isAllowedDagHost("https://github.com.evil.example/dags.git", list)).toBe(false);
  });
});
