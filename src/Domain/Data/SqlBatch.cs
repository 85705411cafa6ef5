using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using MySqlConnector;

namespace WechatLoyalty.Domain.Data;

/// <summary>
/// Several statements sent as one command, in the caller's transaction: one round trip instead of one per statement.
/// MariaDB runs them in order and stops at the first error, so a later statement never runs after a failed earlier one.
/// For hot paths only (the payment notification): every round trip costs the API about the same CPU whatever the
/// statement (bench/results/pay-notifications-2026-11-23-3-profile.md), and EF sends each statement on its own.
/// <para>
/// Values are always parameters (<c>{value}</c> in the interpolated statement becomes <c>@bN</c>); enums are passed as
/// their names, as EF stores them. A duplicate key surfaces as a <see cref="DbUpdateException"/> around the
/// <see cref="MySqlException"/>, like a failed SaveChanges, so <see cref="DbErrors.IsDuplicateKey"/> callers treat both alike.
/// </para>
/// </summary>
public sealed class SqlBatch
{
    private readonly StringBuilder _sql = new();
    private readonly List<object?> _values = [];

    public bool IsEmpty => _sql.Length == 0;

    public SqlBatch Add(FormattableString statement)
    {
        var names = new object[statement.ArgumentCount];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = "@b" + _values.Count.ToString(CultureInfo.InvariantCulture);
            var value = statement.GetArgument(i);
            _values.Add(value is Enum e ? e.ToString() : value);
        }
        _sql.Append(string.Format(CultureInfo.InvariantCulture, statement.Format, names)).Append(";\n");
        return this;
    }

    /// <summary>Runs the statements; <paramref name="read"/> gets the reader at the first result set that has rows.</summary>
    public async Task<T> RunAsync<T>(LoyaltyDbContext db, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("A batch runs inside the caller's transaction (ResilientTransaction).");
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = tx.GetDbTransaction();
        command.CommandText = _sql.ToString();
        if (db.Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
        for (var i = 0; i < _values.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@b" + i.ToString(CultureInfo.InvariantCulture);
            parameter.Value = _values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            var result = await read(reader, ct);
            // Every statement's outcome is read, so an error in one after the rows read above is not lost.
            while (await reader.NextResultAsync(ct)) { }
            return result;
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            throw new DbUpdateException("A statement of the batch met a unique index.", ex);
        }
    }

    public Task ExecuteAsync(LoyaltyDbContext db, CancellationToken ct) => RunAsync(db, (_, _) => Task.FromResult(0), ct);
}
