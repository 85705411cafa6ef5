using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Api.Tests;

/// <summary>Every error leaves the API as RFC 7807 problem details; a 500 reveals nothing of the internals.</summary>
public class ProblemDetailsTests(ProblemDetailsTests.Factory factory) : IClassFixture<ProblemDetailsTests.Factory>
{
    /// <summary>Adds probe endpoints behind the API's own pipeline, so its exception handler deals with them.</summary>
    public class Factory : LoyaltyApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, ProbeEndpoints>());
        }
    }

    private sealed class ProbeEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/probe/conflict", b => b.Run(_ => throw new DomainException("probe.conflict", "Already done.", DomainErrorKind.Conflict)));
            app.Map("/probe/invalid", b => b.Run(_ => throw new DomainException("probe.invalid", "Not allowed.")));
            app.Map("/probe/bug", b => b.Run(_ => throw new InvalidOperationException("secret internal detail")));
            app.Map("/probe/json", b =>
            {
                b.UseRouting();
                b.UseEndpoints(e => e.MapPost("/", (Dictionary<string, int> payload) => payload));
            });
        };
    }

    [Theory]
    [InlineData("/probe/conflict", HttpStatusCode.Conflict, "probe.conflict")]
    [InlineData("/probe/invalid", HttpStatusCode.BadRequest, "probe.invalid")]
    [InlineData("/probe/bug", HttpStatusCode.InternalServerError, "server.error")]
    public async Task Errors_AreProblemDetails_WithStatusAndCode(string path, HttpStatusCode status, string code)
    {
        var response = await factory.CreateClient().GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task ServerError_HidesExceptionMessage()
    {
        var body = await (await factory.CreateClient().GetAsync("/probe/bug")).Content.ReadAsStringAsync();

        Assert.DoesNotContain("secret internal detail", body);
        Assert.DoesNotContain("InvalidOperationException", body);
    }

    [Fact]
    public async Task MalformedJson_Is400ProblemDetails()
    {
        var content = new StringContent("{\"a\": 1,,", Encoding.UTF8, "application/json");

        var response = await factory.CreateClient().PostAsync("/probe/json", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("request.malformed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Is404ProblemDetails()
    {
        var response = await factory.CreateClient().GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
