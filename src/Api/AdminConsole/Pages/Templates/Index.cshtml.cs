using Microsoft.AspNetCore.Authorization;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.AdminConsole.Pages.Templates;

/// <summary>The template registry: every message kind with its OA / mini-program templates, field mapping and page.</summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class TemplateListModel(MessageTemplates templates) : ConsolePageModel
{
    public IReadOnlyList<string> Kinds => MessageKinds.All;
    public Dictionary<string, MessageTemplate> Registered { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Registered = (await templates.ListAsync(ct)).ToDictionary(t => t.Kind);
}
