using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// Every endpoint that takes a JSON body (found from the endpoint metadata, so new ones are fuzzed too) gets
/// malformed and boundary bodies as a caller allowed to use it: wrong types, nulls, huge and negative numbers, emoji,
/// very long strings, control characters, broken and empty bodies. Never a 5xx; a refused body changes nothing in
/// any table (checksums, so updates count too).
/// </summary>
public class FuzzingTests(LoyaltyApiFactory factory, ITestOutputHelper output) : IClassFixture<LoyaltyApiFactory>
{
    private static readonly (string Name, Func<JsonNode?> Value)[] Values =
    [
        ("null", () => null),
        ("object", () => new JsonObject { ["a"] = 1 }),
        ("array", () => new JsonArray(1, 2)),
        ("true", () => true),
        ("text", () => "abc"),
        ("zero", () => 0),
        ("negative", () => -1),
        ("long min", () => long.MinValue),
        ("past long", () => JsonNode.Parse("9223372036854775808")),
        ("1e308", () => JsonNode.Parse("1e308")),
        ("empty text", () => ""),
        ("emoji", () => "😀👍🏻🇨🇳👨‍👩‍👧"),
        ("control chars", () => "a\u0000b\u001Fc\u202E"),
        ("long text", () => new string('長', 100_000)),
    ];

    private static readonly (string Name, string Body)[] Bodies =
    [
        ("empty body", ""),
        ("null body", "null"),
        ("array body", "[]"),
        ("string body", "\"x\""),
        ("not JSON", "not json"),
        ("truncated", "{\"a\":"),
        ("deep nesting", new string('[', 5_000) + new string(']', 5_000)),
        ("empty object", "{}"),
        ("duplicate keys", "{\"a\":1,\"a\":2}"),
        ("1 MB string", "{\"x\":\"" + new string('a', 1_000_000) + "\"}"),
    ];

    [Fact]
    public async Task EveryJsonEndpoint_Never5xx_AndRefusedBodiesWriteNothing()
    {
        var member = await Shop.CustomerAsync(factory);
        var admin = await Shop.AdminAsync(factory);
        var order = await Shop.OrderAsync(member.Client, 1_000);
        var storeId = await factory.WithDbAsync(async db =>
        {
            var store = new Domain.Stores.Store { Code = "FZ" + Guid.NewGuid().ToString("N")[..6], Name = "Fuzz", City = "上海", CreatedAt = DateTime.UtcNow };
            store.Staff.Add(new Domain.Stores.Staff { Code = "C1", Name = "Clerk", CreatedAt = DateTime.UtcNow });
            db.Stores.Add(store);
            await db.SaveChangesAsync();
            return store.Id;
        });
        var staffId = await factory.WithDbAsync(db => db.Staff.Where(s => s.StoreId == storeId).Select(s => s.Id).SingleAsync());
        string? RouteValue(ApiEndpoint e, string name) => name switch
        {
            "id" when e.Route.StartsWith("/api/admin/stores", StringComparison.Ordinal) => storeId.ToString(),
            "id" when e.Route.StartsWith("/api/admin/members", StringComparison.Ordinal) => member.MemberId!.Value.ToString(),
            "staffId" => staffId.ToString(),
            "outTradeNo" => order,
            _ => null,
        };

        var endpoints = EndpointCatalog.Of(factory.Services).Where(e => e.RequestType is not null).ToList();
        Assert.NotEmpty(endpoints);
        var failures = new List<string>();
        var requests = 0;
        foreach (var endpoint in endpoints)
        {
            var client = endpoint.IsMember ? member.Client : endpoint.IsConsole ? admin : factory.CreateClient();
            var path = endpoint.Path(name => RouteValue(endpoint, name));
            // One checksum per request: a refused body must leave the tables as the previous request left them.
            var baseline = await TableRows.ChecksumAsync(factory.DatabaseConnectionString);
            foreach (var (name, body) in Cases(endpoint.RequestType!))
            {
                using var request = new HttpRequestMessage(endpoint.HttpMethod, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                using var response = await client.SendAsync(request);
                requests++;
                var status = (int)response.StatusCode;
                if (status >= 500) failures.Add($"{endpoint.Name} [{name}]: {status} {Shorten(await response.Content.ReadAsStringAsync())}");
                var now = await TableRows.ChecksumAsync(factory.DatabaseConnectionString);
                if (status >= 400 && TableRows.Changed(baseline, now) is { Count: > 0 } changed)
                    failures.Add($"{endpoint.Name} [{name}]: {status} but changed {string.Join(", ", changed)}");
                baseline = now;
            }
        }
        output.WriteLine($"{endpoints.Count} endpoints, {requests} requests");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(50)));
    }

    private static IEnumerable<(string Name, string Body)> Cases(Type requestType)
    {
        foreach (var body in Bodies) yield return body;
        var sample = EndpointCatalog.SampleBody(requestType);
        yield return ("sample", sample.ToJsonString());
        foreach (var (property, _) in EndpointCatalog.Properties(requestType))
        {
            var missing = (JsonObject)sample.DeepClone();
            missing.Remove(property);
            yield return ($"{property} missing", missing.ToJsonString());
            foreach (var (name, value) in Values)
            {
                var body = (JsonObject)sample.DeepClone();
                body[property] = value();
                yield return ($"{property} = {name}", body.ToJsonString());
            }
        }
        var extra = (JsonObject)sample.DeepClone();
        extra["unexpected"] = "field";
        yield return ("unknown property", extra.ToJsonString());
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
