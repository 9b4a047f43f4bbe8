import { describe, expect, it } from "vitest";
import { sprigFunctions } from ".";
import { sprint } from "../fmt";
import { GoInt, type GoValue } from "../value";

type Call = [string, ...(string | bigint | GoInt | Call)[]];

const f = sprigFunctions();
const i64 = (n: number) => new GoInt(BigInt(n), "int64");

function run(call: Call): string {
  const value = (a: string | bigint | GoInt | Call): GoValue =>
    Array.isArray(a) ? f[a[0]]!.call(...a.slice(1).map(value)) : a;
  try {
    return sprint([value(call)]);
  } catch (e) {
    return "ERR: " + (e as Error).message;
  }
}

/**
 * Expected: Go 1.19 text/template with Sprig 3.2.3 on the same system time zone files. Times are shown
 * through explicit zones, so the machine's local zone does not matter.
 */
const cases: [Call, string][] = [
  [["dateInZone", "2006-01-02T15:04:05Z07:00", 1700000000n, "UTC"], "2023-11-14T22:13:20Z"],
  [["dateInZone", "2006-01-02T15:04:05Z07:00", 1700000000n, "America/New_York"], "2023-11-14T17:13:20-05:00"],
  [["dateInZone", "2006-01-02T15:04:05Z07:00", 1700000000n, "Asia/Kolkata"], "2023-11-15T03:43:20+05:30"],
  [["dateInZone", "Mon Jan _2 15:04:05 MST 2006", 1700000000n, "UTC"], "Tue Nov 14 22:13:20 UTC 2023"],
  [["dateInZone", "Mon Jan _2 15:04:05 MST 2006", 1700000000n, "America/New_York"], "Tue Nov 14 17:13:20 EST 2023"],
  [["dateInZone", "Mon Jan _2 15:04:05 MST 2006", 1700000000n, "Asia/Kolkata"], "Wed Nov 15 03:43:20 IST 2023"],
  [["dateInZone", "3:04PM", 1700000000n, "UTC"], "10:13PM"],
  [["dateInZone", "3:04PM", 1700000000n, "America/New_York"], "5:13PM"],
  [["dateInZone", "3:04PM", 1700000000n, "Asia/Kolkata"], "3:43AM"],
  [
    ["dateInZone", "Monday, 02-Jan-06 15:04:05.000 -0700", 1700000000n, "UTC"],
    "Tuesday, 14-Nov-23 22:13:20.000 +0000",
  ],
  [
    ["dateInZone", "Monday, 02-Jan-06 15:04:05.000 -0700", 1700000000n, "America/New_York"],
    "Tuesday, 14-Nov-23 17:13:20.000 -0500",
  ],
  [
    ["dateInZone", "Monday, 02-Jan-06 15:04:05.000 -0700", 1700000000n, "Asia/Kolkata"],
    "Wednesday, 15-Nov-23 03:43:20.000 +0530",
  ],
  [["dateInZone", "002 __2 .999", 1700000000n, "UTC"], "318 318 "],
  [["dateInZone", "002 __2 .999", 1700000000n, "America/New_York"], "318 318 "],
  [["dateInZone", "002 __2 .999", 1700000000n, "Asia/Kolkata"], "319 319 "],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 1690000000n, "Europe/Berlin"], "2023-07-22 06:26:40 CEST +0200"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 4118000000n, "Europe/Berlin"], "2100-06-30 02:53:20 CEST +0200"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", -100000000n, "Europe/Berlin"], "1966-10-31 15:13:20 CET +0100"],
  [
    ["dateInZone", "2006-01-02 15:04:05 MST -0700", 1690000000n, "Australia/Lord_Howe"],
    "2023-07-22 14:56:40 +1030 +1030",
  ],
  [
    ["dateInZone", "2006-01-02 15:04:05 MST -0700", 4118000000n, "Australia/Lord_Howe"],
    "2100-06-30 11:23:20 +1030 +1030",
  ],
  [
    ["dateInZone", "2006-01-02 15:04:05 MST -0700", -100000000n, "Australia/Lord_Howe"],
    "1966-11-01 00:13:20 AEST +1000",
  ],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 1690000000n, "America/St_Johns"], "2023-07-22 01:56:40 NDT -0230"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 4118000000n, "America/St_Johns"], "2100-06-29 22:23:20 NDT -0230"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", -100000000n, "America/St_Johns"], "1966-10-31 10:43:20 NST -0330"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 1690000000n, "Bogus/Zone"], "2023-07-22 04:26:40 UTC +0000"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 4118000000n, "Bogus/Zone"], "2100-06-30 00:53:20 UTC +0000"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", -100000000n, "Bogus/Zone"], "1966-10-31 14:13:20 UTC +0000"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 1690000000n, ""], "2023-07-22 04:26:40 UTC +0000"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 4118000000n, ""], "2100-06-30 00:53:20 UTC +0000"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", -100000000n, ""], "1966-10-31 14:13:20 UTC +0000"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 1690000000n, "Europe/Dublin"], "2023-07-22 05:26:40 IST +0100"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", 4118000000n, "Europe/Dublin"], "2100-06-30 01:53:20 IST +0100"],
  [["dateInZone", "2006-01-02 15:04:05 MST -0700", -100000000n, "Europe/Dublin"], "1966-10-31 14:13:20 GMT +0000"],
  [["htmlDateInZone", i64(1700000000), "Asia/Tokyo"], "2023-11-15"],
  [
    [
      "dateInZone",
      "2006-01-02T15:04:05.999999999Z07:00",
      ["toDate", "2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12+05:30"],
      "UTC",
    ],
    "2024-03-05T04:41:12Z",
  ],
  [["unixEpoch", ["toDate", "2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12+05:30"]], "1709613672"],
  [
    [
      "dateInZone",
      "2006-01-02T15:04:05.999999999Z07:00",
      ["toDate", "2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12Z"],
      "UTC",
    ],
    "2024-03-05T10:11:12Z",
  ],
  [["unixEpoch", ["toDate", "2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12Z"]], "1709633472"],
  [
    [
      "dateInZone",
      "2006-01-02T15:04:05.999999999Z07:00",
      ["toDate", "Jan _2 2006 3:04:05.000 PM -0700", "Feb  9 2023 1:02:03.456 PM -0800"],
      "UTC",
    ],
    "2023-02-09T21:02:03.456Z",
  ],
  [["unixEpoch", ["toDate", "Jan _2 2006 3:04:05.000 PM -0700", "Feb  9 2023 1:02:03.456 PM -0800"]], "1675976523"],
  [
    ["dateInZone", "2006-01-02T15:04:05.999999999Z07:00", ["toDate", "2006-002 -07", "2024-060 +01"], "UTC"],
    "2024-02-28T23:00:00Z",
  ],
  [["unixEpoch", ["toDate", "2006-002 -07", "2024-060 +01"]], "1709161200"],
  [["mustToDate", "2006-01-02", "2024-02-30"], "ERR: parsing time \"2024-02-30\": day out of range"],
  [
    ["mustToDate", "2006-01-02", "24-02-03"],
    "ERR: parsing time \"24-02-03\" as \"2006-01-02\": cannot parse \"2-03\" as \"2006\"",
  ],
  [["mustToDate", "2006-01-02", "2024-13-01"], "ERR: parsing time \"2024-13-01\": month out of range"],
  [
    ["mustToDate", "2006-01-02", "2024-01-01 extra"],
    "ERR: parsing time \"2024-01-01 extra\": extra text: \" extra\"",
  ],
  [["mustToDate", "15:04", "25:00"], "ERR: parsing time \"25:00\": hour out of range"],
  [["mustToDate", "2006-002", "2023-366"], "ERR: parsing time \"2023-366\": day-of-year out of range"],
  [
    ["mustToDate", "Mon Jan 2", "Xyz Feb 3"],
    "ERR: parsing time \"Xyz Feb 3\" as \"Mon Jan 2\": cannot parse \"Xyz Feb 3\" as \"Mon\"",
  ],
  [
    ["mustToDate", "2006 -07", "2024 -x5"],
    "ERR: parsing time \"2024 -x5\" as \"2006 -07\": cannot parse \"\" as \"-07\"",
  ],
  [
    ["mustToDate", "2006-01-02", "2x24-01-01"],
    "ERR: parsing time \"2x24-01-01\" as \"2006-01-02\": cannot parse \"-01-01\" as \"2006\"",
  ],
  [["durationRound", "1h30m"], "1h"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "1h30m", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "2024-03-10 03:00:00",
  ],
  [["durationRound", "-90s"], "1m"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "-90s", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "2024-03-10 01:28:30",
  ],
  [["durationRound", "1.5h"], "1h"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "1.5h", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "2024-03-10 03:00:00",
  ],
  [["durationRound", "1h1m1s1ms1us1ns"], "1h"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "1h1m1s1ms1us1ns", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "2024-03-10 02:31:01.001001001",
  ],
  [["durationRound", "bad"], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "bad", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "ERR: time: invalid duration \"bad\"",
  ],
  [["durationRound", ""], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "ERR: time: invalid duration \"\"",
  ],
  [["durationRound", "1"], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "1", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "ERR: time: missing unit in duration \"1\"",
  ],
  [["durationRound", ".5s"], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", ".5s", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "2024-03-10 01:30:00.5",
  ],
  [["durationRound", "9223372036854775808ns"], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "9223372036854775808ns", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "ERR: time: invalid duration \"9223372036854775808ns\"",
  ],
  [["durationRound", "1\u00b5s"], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "1\u00b5s", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "2024-03-10 01:30:00.000001",
  ],
  [["durationRound", "100000000000000000000s"], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "100000000000000000000s", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "ERR: time: invalid duration \"100000000000000000000s\"",
  ],
  [["durationRound", "3x"], "0s"],
  [
    [
      "dateInZone",
      "2006-01-02 15:04:05.999999999",
      ["mustDateModify", "3x", ["toDate", "2006-01-02 15:04 -0700", "2024-03-10 01:30 +0000"]],
      "UTC",
    ],
    "ERR: time: unknown unit \"x\" in duration \"3x\"",
  ],
  [["duration", "90"], "1m30s"],
  [["durationRound", "90"], "0s"],
  [["duration", "-3600"], "-1h0m0s"],
  [["durationRound", "-3600"], "0s"],
  [["duration", "x"], "0s"],
  [["durationRound", "x"], "0s"],
  [["duration", "99999999999999999999"], "-1s"],
  [["durationRound", "99999999999999999999"], "0s"],
  [["duration", i64(90)], "1m30s"],
  [["durationRound", i64(90)], "0s"],
  [["duration", i64(3600000000000)], "801362h40m26.63743488s"],
  [["durationRound", i64(3600000000000)], "60m"],
  [["duration", 90n], "0s"],
  [["durationRound", 90n], "0s"],
];

describe("sprig dates", () => {
  const named = cases.map(([call, expected]) => [call[0], call, expected] as const);
  it.each(named)("%s (case %#)", (_name, call, expected) => {
    expect(run(call)).toBe(expected);
  });

  it("gives a time.Time that prints as Go's does and answers its methods", () => {
    const t = f.toDate!.call("2006-01-02 15:04 -0700", "2024-03-05 10:11 +0000");
    expect(run(["typeOf", ["now"]])).toBe("time.Time");
    expect(run(["dateInZone", "Jan 2", ["toDate", "bad", "input"], "UTC"])).toBe("Jan 1");
    const methods = (t as unknown as { methods: Record<string, { call: () => GoValue }> }).methods;
    expect(sprint([methods.Year!.call()])).toBe("2024");
    expect(run(["unixEpoch", "not a time"])).toBe("ERR: wrong type for value; expected time.Time; got string");
  });
});
