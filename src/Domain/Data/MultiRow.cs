using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace WechatLoyalty.Domain.Data;

/// <summary>
/// Writes many rows with different values in one statement (EF's ExecuteUpdate sets the same values on every row, and
/// SaveChanges sends a statement per row): the batch paths of campaigns and messages use it to keep a batch's database
/// work to a handful of round trips. Values always travel as parameters.
/// </summary>
internal sealed class MultiRow
{
    private readonly List<MySqlParameter> _parameters = [];

    public object[] Parameters => [.. _parameters];

    /// <summary>A parameter for a value shared by every row.</summary>
    public string Param(object? value)
    {
        var name = "@p" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(new MySqlParameter(name, value ?? DBNull.Value));
        return name;
    }

    /// <summary>
    /// <c>(@p0, @p1, @shared), (@p2, @p3, @shared)</c> for an <c>INSERT … VALUES</c>; <paramref name="shared"/> are
    /// <see cref="Param"/> names (or SQL expressions) that end every row.
    /// </summary>
    public string Values(IEnumerable<object?[]> rows, params string[] shared)
    {
        var sql = new StringBuilder();
        foreach (var row in rows)
        {
            if (sql.Length > 0) sql.Append(",\n");
            sql.Append('(').AppendJoin(", ", row.Select(Param).Concat(shared)).Append(')');
        }
        return sql.ToString();
    }

    /// <summary>
    /// <c>SELECT @p0 AS a, @p1 AS b UNION ALL SELECT @p2, @p3</c>: a derived table of the rows, for an
    /// <c>UPDATE … JOIN (…) v ON …</c> that writes each row its own values.
    /// </summary>
    public string Derived(IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        var sql = new StringBuilder();
        var first = true;
        foreach (var row in rows)
        {
            sql.Append(first ? "SELECT " : "\nUNION ALL SELECT ");
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) sql.Append(", ");
                sql.Append(Param(row[i]));
                if (first) sql.Append(" AS `").Append(columns[i]).Append('`');
            }
            first = false;
        }
        return sql.ToString();
    }

    /// <summary>Runs <paramref name="sql"/>, built from this instance's parameter names (and <see cref="Ids"/>), with its parameters.</summary>
    public Task<int> ExecuteAsync(LoyaltyDbContext db, string sql, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(sql, Parameters, ct);

    /// <summary>Ids as an <c>IN (…)</c> list: they are our own numbers, so literals (the optimizer sees them).</summary>
    public static string Ids(IEnumerable<long> ids) => string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
