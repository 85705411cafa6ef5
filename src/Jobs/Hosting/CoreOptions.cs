using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WechatLoyalty.Jobs.Hosting;

/// <summary>Section <c>ConnectionStrings</c>: where the system of record and Redis live.</summary>
public sealed class ConnectionStringsOptions
{
    public const string Section = "ConnectionStrings";

    [Required(ErrorMessage = "ConnectionStrings:Loyalty (the MariaDB/MySQL connection string) is required.")]
    public string Loyalty { get; set; } = "";

    [Required(ErrorMessage = "ConnectionStrings:Redis (the StackExchange.Redis configuration string) is required.")]
    public string Redis { get; set; } = "";
}

/// <summary>Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Pomelo needs the server version up front; detecting it would cost a connection at start-up.</summary>
    [Required(ErrorMessage = "Database:ServerVersion is required, e.g. 10.11.0-mariadb or 8.0.36-mysql.")]
    public string ServerVersion { get; set; } = Domain.Data.LoyaltyDataRegistration.DefaultServerVersion;

    /// <summary>Apply pending migrations when the API starts. On by default in Development only.</summary>
    public bool? MigrateOnStartup { get; set; }
}

/// <summary>Section <c>Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    [Required(ErrorMessage = "Redis:KeyPrefix is required (e.g. loyalty:).")]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,64}$", ErrorMessage = "Redis:KeyPrefix may hold letters, digits and :_.- only, at most 64 characters.")]
    public string KeyPrefix { get; set; } = "loyalty:";
}

/// <summary>Section <c>Programme</c>.</summary>
public sealed class ProgrammeOptions
{
    public const string Section = "Programme";

    [Required(ErrorMessage = "Programme:TimeZone is required (an IANA id such as Asia/Shanghai).")]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    [Required(ErrorMessage = "Programme:Preset is required: accessory or mall.")]
    [RegularExpression("^(accessory|mall)$", ErrorMessage = "Programme:Preset must be 'accessory' or 'mall'.")]
    public string Preset { get; set; } = "accessory";
}

/// <summary>Checks what attributes cannot: the time zone must exist on this machine.</summary>
public sealed class ProgrammeOptionsValidator : IValidateOptions<ProgrammeOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgrammeOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TimeZone)) return ValidateOptionsResult.Skip;
        return TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Programme:TimeZone '{options.TimeZone}' is not a time zone known to this machine.");
    }
}

public static class OptionsRegistration
{
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
