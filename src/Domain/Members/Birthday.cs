using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Members;

/// <summary>A birthday: month and day required, year optional. Feb 29 is allowed (celebrated Feb 28 in other years).</summary>
public sealed record Birthday(int Month, int Day, int? Year)
{
    public static Birthday Create(int month, int day, int? year, DateOnly today)
    {
        if (month is < 1 or > 12)
            throw new DomainException("birthday.invalid", "The birthday month must be 1 to 12.");
        // Month-day validity is checked against a leap year so Feb 29 passes without a year.
        if (day < 1 || day > DateTime.DaysInMonth(year ?? 2000, month))
            throw new DomainException("birthday.invalid", "The birthday is not a real date.");
        if (year is not null && (year < today.Year - 120 || new DateOnly(year.Value, month, day) > today))
            throw new DomainException("birthday.invalid", "The birth year is not plausible.");
        return new Birthday(month, day, year);
    }

    /// <summary>The day the birthday is celebrated in <paramref name="year"/>: Feb 29 falls on Feb 28 in common years.</summary>
    public DateOnly CelebratedIn(int year) =>
        Month == 2 && Day == 29 && !DateTime.IsLeapYear(year) ? new DateOnly(year, 2, 28) : new DateOnly(year, Month, Day);
}
