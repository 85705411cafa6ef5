using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Admin.Imports;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Tests.Admin;

public class MemberImportRowsTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly TierLadder Ladder = ProgrammePresets.Accessory.Ladder;

    [Fact]
    public void Parse_ReadsEveryColumn_InAnyOrder_WithChineseHeaders()
    {
        var (rows, errors, total) = MemberImportRows.Parse(
            "\uFEFF积分,手机号,姓名,生日,等级,入会日期\r\n1200,+86 138-0013-8000,\"张, 三\",1990-05-20,金卡 Gold,2023/3/1\r\n", Ladder, Today);

        Assert.Empty(errors);
        Assert.Equal(1, total);
        var row = Assert.Single(rows);
        Assert.Equal(("+8613800138000", "138****8000", "张, 三", "gold", 1200L, new DateOnly(2023, 3, 1)),
            (row.Phone.E164, row.Phone.Masked, row.Name, row.TierCode, row.Points, row.JoinedOn));
        Assert.Equal((5, 20, (int?)1990), (row.Birthday!.Month, row.Birthday.Day, row.Birthday.Year));
    }

    [Fact]
    public void Parse_ReportsEveryProblem_WithItsLineAndColumn()
    {
        var csv = "phone,name,birthday,tier,points,join_date\n" +
                  "13800138000,A,,,10,\n" +
                  "12345,B,1990-02-30,bronze,-5,2030-01-01\n" +
                  "138 0013 8000,C,,,,\n";

        var (rows, errors, total) = MemberImportRows.Parse(csv, Ladder, Today);

        Assert.Equal(3, total);
        Assert.Single(rows);
        Assert.Equal(
            [(3, "phone"), (3, "birthday"), (3, "tier"), (3, "points"), (3, "join_date"), (4, "phone")],
            errors.Select(e => (e.Line, e.Column)));
        Assert.Contains("line 2", errors[^1].Problem);
    }

    [Fact]
    public void Parse_RejectsFile_WhenHeaderLacksPhoneOrHasUnknownColumn()
    {
        var (_, errors, _) = MemberImportRows.Parse("name,email\nA,a@example.com\n", Ladder, Today);

        Assert.Equal(["email", "phone"], errors.Select(e => e.Column));
    }

    [Fact]
    public void ErrorReport_IsUtf8CsvWithBom_AndNeutralisesFormulas()
    {
        var report = MemberImportRows.ErrorReport([new ImportError(7, "name", "=HYPERLINK(\"x\")", "bad, really")]);

        Assert.Equal("\uFEFFline,column,value,problem\r\n7,name,\"'=HYPERLINK(\"\"x\"\")\",\"bad, really\"\r\n", report);
    }

    [Fact]
    public void AuditEntry_KeepsJsonAsGiven_AndSerialisesObjects()
    {
        var at = new DateTime(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);

        var entry = AuditEntry.Create("anna", AuditActions.StoreUpdate, "store", 42L, "{\"name\":\"旧\"}", new { Name = "新", IsActive = true }, at);

        Assert.Equal(("anna", "store.update", "store", "42", at), (entry.Actor, entry.Action, entry.EntityType, entry.EntityId, entry.At));
        Assert.Equal("{\"name\":\"旧\"}", entry.BeforeJson);
        Assert.Equal("{\"name\":\"新\",\"isActive\":true}", entry.AfterJson);
    }
}
