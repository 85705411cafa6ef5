using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>One route and method of the running API, as its endpoint metadata describes it.</summary>
public sealed record ApiEndpoint(string Method, RoutePattern Pattern, bool Anonymous, IReadOnlyList<string> Policies, Type? RequestType)
{
    public string Route => "/" + Pattern.RawText!.Trim('/');

    public string Name => $"{Method} {Route}";

    /// <summary>The method to call it with.</summary>
    public HttpMethod HttpMethod => new(Method == EndpointCatalog.AnyMethod ? "GET" : Method);

    public bool IsConsole => Policies.Any(p => p.StartsWith("console:", StringComparison.Ordinal));

    public bool IsMember => Policies.Contains("member");

    /// <summary>The path with each route parameter filled by <paramref name="value"/> (or a value its constraint accepts).</summary>
    public string Path(Func<string, string?>? value = null)
    {
        var segments = Pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart p => Uri.EscapeDataString(value?.Invoke(p.Name) ?? Placeholder(p)),
            _ => "",
        })));
        return "/" + string.Join('/', segments).TrimEnd('/');
    }

    private static string Placeholder(RoutePatternParameterPart p) =>
        p.IsCatchAll ? "" : p.ParameterPolicies.Any(x => x.Content is "long" or "int") ? "1" : "x1";
}

/// <summary>
/// The endpoints of the running API (its EndpointDataSource), so the security and fuzzing suites cover every route,
/// including the ones added after these tests were written.
/// </summary>
internal static class EndpointCatalog
{
    /// <summary>The method of an endpoint that answers every method (health checks); it is called with GET.</summary>
    public const string AnyMethod = "*";

    public static IReadOnlyList<ApiEndpoint> Of(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [AnyMethod]).Select(method => new ApiEndpoint(
                method, e.RoutePattern,
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0
                    && e.Metadata.GetMetadata<AuthorizationPolicy>() is null,
                [.. e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct()],
                e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType)))
            .Where(e => e.Method != "OPTIONS" && e.Method != "HEAD")
            .DistinctBy(e => e.Name)
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();

    /// <summary>A well-formed body for <paramref name="type"/>: every property present with a plain value of its type.</summary>
    public static JsonObject SampleBody(Type type) => (JsonObject)Sample(type, 0)!;

    /// <summary>The JSON names and CLR types of a request record's properties.</summary>
    public static IReadOnlyList<(string Name, Type Type)> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.PropertyType))
            .ToList();

    private static JsonNode? Sample(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "Sample1";
        if (type == typeof(bool)) return true;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return 1;
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return 1.5;
        if (type == typeof(Guid)) return Guid.NewGuid().ToString();
        if (type == typeof(DateOnly)) return "2000-01-15";
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return DateTimeOffset.UtcNow.ToString("O");
        if (type.IsEnum) return Enum.GetNames(type)[0];
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)) return new JsonArray();
        if (depth > 3) return null;
        var body = new JsonObject();
        foreach (var (name, propertyType) in Properties(type)) body[name] = Sample(propertyType, depth + 1);
        return body;
    }
}
