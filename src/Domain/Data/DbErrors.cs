using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace WechatLoyalty.Domain.Data;

internal static class DbErrors
{
    /// <summary>A unique index said no: another request got there first. The caller decides what that means.</summary>
    public static bool IsDuplicateKey(this DbUpdateException ex) =>
        ex.InnerException is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };
}
