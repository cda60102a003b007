import { describe, expect, it } from "vitest";
import { readEpsStatus } from "./eps-status.ts";

const ID = "OZ0123456789ABCDEF012345";

describe("readEpsStatus", () => {
  it("maps EPS's statuses as the file header's table says", () => {
    const verdict = (Status: string) => readEpsStatus({ Status, TotalAmount: "600.00" }, ID, 600_00).kind;
    expect(verdict("Success")).toBe("paid");
    expect(verdict("COMPLETED")).toBe("paid");
    expect(verdict("Failed")).toBe("failed");
    expect(verdict("failure")).toBe("failed");
    expect(verdict("Cancelled")).toBe("cancelled");
    expect(verdict("CANCEL")).toBe("cancelled");
    for (const other of ["Initiated", "Processing", "", "Unknown"]) expect(verdict(other)).toBe("pending");
  });

  it("counts a success only with the order's amount, to the paisa, as a number or a string", () => {
    expect(readEpsStatus({ Status: "Success", TotalAmount: 600.5 }, ID, 600_50).kind).toBe("paid");
    expect(readEpsStatus({ Status: "Success", TotalAmount: "600.5" }, ID, 600_50).kind).toBe("paid");
    expect(readEpsStatus({ Status: "Success", TotalAmount: "600.49" }, ID, 600_50)).toEqual({
      kind: "amount_mismatch",
      reportedPaisa: 600_49,
    });
    expect(readEpsStatus({ Status: "Success", TotalAmount: "1e3" }, ID, 1000_00).kind).toBe("amount_mismatch");
    expect(readEpsStatus({ Status: "Success" }, ID, 600_00).kind).toBe("amount_mismatch");
  });

  it("reads the PHP sample's alternatives and ignores a record about another order", () => {
    expect(readEpsStatus({ data: { status: "success", amount: "10.00" } }, ID, 10_00).kind).toBe("paid");
    expect(readEpsStatus({ transactionStatus: "SUCCESS", totalAmount: 10 }, ID, 10_00).kind).toBe("paid");
    const other = { Status: "Success", TotalAmount: "10.00", MerchantTransactionId: "OZ-SOMEONE-ELSE" };
    expect(readEpsStatus(other, ID, 10_00).kind).toBe("pending");
    expect(readEpsStatus({ Status: "Success", TotalAmount: "10.00", EpsTransactionId: "EPS9" }, ID, 10_00)).toEqual({
      kind: "paid",
      epsTransactionId: "EPS9",
    });
  });
});
