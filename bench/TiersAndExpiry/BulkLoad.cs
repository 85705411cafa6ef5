namespace WechatLoyalty.TiersAndExpiry;

/// <summary>
/// Loading millions of rows into a table whose secondary indexes have random insertion points (member_id first)
/// thrashes a 256 MB buffer pool. So the secondary indexes and foreign keys are read from information_schema,
/// dropped, the rows inserted in primary-key order, and the same indexes and keys added back: InnoDB then builds
/// each index by a sort. The resulting schema is what the migrations made (same names, columns and rules).
/// </summary>
internal static class BulkLoad
{
    private sealed record Index(string Name, bool Unique, string Columns);

    private sealed record ForeignKey(string Name, string Column, string RefTable, string RefColumn, string OnDelete, string OnUpdate);

    public static async Task WithoutSecondaryIndexesAsync(Sql sql, string table, Func<Task> load)
    {
        var indexes = (await sql.RowsAsync("""
            SELECT index_name, MIN(non_unique), GROUP_CONCAT(CONCAT('`', column_name, '`') ORDER BY seq_in_index)
            FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND table_name = @t AND index_name <> 'PRIMARY'
            GROUP BY index_name
            """, ("@t", table))).Select(r => new Index((string)r[0]!, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture) == 0, (string)r[2]!)).ToList();
        var keys = (await sql.RowsAsync("""
            SELECT k.constraint_name, k.column_name, k.referenced_table_name, k.referenced_column_name, r.delete_rule, r.update_rule
            FROM information_schema.key_column_usage k
            JOIN information_schema.referential_constraints r
              ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name
            WHERE k.table_schema = DATABASE() AND k.table_name = @t AND k.referenced_table_name IS NOT NULL
            """, ("@t", table))).Select(r => new ForeignKey((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (string)r[4]!, (string)r[5]!)).ToList();

        await sql.ExecAsync("SET foreign_key_checks = 0, unique_checks = 0");
        foreach (var key in keys) await sql.ExecAsync($"ALTER TABLE `{table}` DROP FOREIGN KEY `{key.Name}`");
        if (indexes.Count > 0)
            await sql.ExecAsync($"ALTER TABLE `{table}` " + string.Join(", ", indexes.Select(i => $"DROP INDEX `{i.Name}`")));

        await load();

        await Sql.StepAsync($"{table}: rebuild {indexes.Count} indexes by sort", async () =>
        {
            if (indexes.Count > 0)
                await sql.ExecAsync($"ALTER TABLE `{table}` " + string.Join(", ", indexes.Select(i =>
                    $"ADD {(i.Unique ? "UNIQUE " : "")}INDEX `{i.Name}` ({i.Columns})")));
        });
        foreach (var key in keys)
        {
            await sql.ExecAsync($"ALTER TABLE `{table}` ADD CONSTRAINT `{key.Name}` FOREIGN KEY (`{key.Column}`) " +
                $"REFERENCES `{key.RefTable}` (`{key.RefColumn}`) ON DELETE {key.OnDelete} ON UPDATE {key.OnUpdate}");
        }
        await sql.ExecAsync("SET foreign_key_checks = 1, unique_checks = 1");
    }
}
