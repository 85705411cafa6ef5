using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WechatLoyalty.Simulator.Hosting;

/// <summary>Validates the whole options tree (DataAnnotations on each section) plus the cross-field rules.</summary>
public sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var errors = new List<string>();
        foreach (var section in new object[] { options, options.MiniProgram, options.OfficialAccount, options.Pay, options.Faults })
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
            {
                errors.AddRange(results.Select(r => $"{section.GetType().Name}: {r.ErrorMessage}"));
            }
        }

        if (options.MiniProgram.AppId == options.OfficialAccount.AppId)
        {
            errors.Add("MiniProgram.AppId and OfficialAccount.AppId must differ.");
        }

        if (!string.IsNullOrEmpty(options.OfficialAccount.ServerUrl)
            && !Uri.TryCreate(options.OfficialAccount.ServerUrl, UriKind.Absolute, out _))
        {
            errors.Add("OfficialAccount.ServerUrl must be an absolute URL.");
        }

        errors.AddRange(options.Quotas.Where(q => q.Value < 0).Select(q => $"Quotas.{q.Key} must be >= 0."));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void ThrowIfInvalid(SimulatorOptions options)
    {
        var result = new SimulatorOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(SimulatorOptions.SectionName, typeof(SimulatorOptions), result.Failures);
        }
    }
}
