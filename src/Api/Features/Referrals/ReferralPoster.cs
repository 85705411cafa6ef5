using SkiaSharp;

namespace WechatLoyalty.Api.Features.Referrals;

/// <summary>
/// The referral poster: the member's mini-program code (wxacode.getUnlimited, scene carries the referral code)
/// under a coloured band with the invitation, and a line telling the friend to long-press the code. Text is drawn
/// only with a font that has every glyph; without one the poster is the band and the code, still scannable.
/// </summary>
internal sealed class ReferralPoster
{
    private const int Width = 600;
    private const int Height = 860;
    private const int BandHeight = 170;
    private const int CodeSize = 430;
    private static readonly SKColor Brand = new(0xC8, 0x10, 0x2E);

    private static readonly string[] FontCandidates =
    [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ];

    private const float Margin = 32;

    /// <summary>The configured font first, then every candidate present: each line uses the first that has all its glyphs.</summary>
    private readonly List<SKTypeface> _typefaces;

    public ReferralPoster(string? fontFile)
    {
        _typefaces = (fontFile is null ? FontCandidates : [fontFile, .. FontCandidates])
            .Where(File.Exists).Distinct().Select(path => SKTypeface.FromFile(path)).OfType<SKTypeface>().ToList();
    }

    /// <summary>Composes the poster PNG; null when <paramref name="wxaCode"/> is not an image we can decode.</summary>
    public byte[]? Compose(byte[] wxaCode, string headline, string footer, string codeLine)
    {
        using var code = SKBitmap.Decode(wxaCode);
        if (code is null) return null;
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using (var band = new SKPaint { Color = Brand })
            canvas.DrawRect(0, 0, Width, BandHeight, band);
        DrawText(canvas, headline, Width / 2f, BandHeight / 2f + 14, 38, SKColors.White);

        // Nearest-neighbour keeps a square code's modules crisp; WeChat's round codes scale either way.
        using var image = SKImage.FromBitmap(code);
        var left = (Width - CodeSize) / 2f;
        canvas.DrawImage(image, new SKRect(left, BandHeight + 50, left + CodeSize, BandHeight + 50 + CodeSize),
            new SKSamplingOptions(SKFilterMode.Nearest));
        DrawText(canvas, footer, Width / 2f, BandHeight + 50 + CodeSize + 70, 28, new SKColor(0x55, 0x55, 0x55));
        DrawText(canvas, codeLine, Width / 2f, BandHeight + 50 + CodeSize + 120, 24, new SKColor(0x88, 0x88, 0x88));

        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private void DrawText(SKCanvas canvas, string text, float centreX, float baseline, float size, SKColor color)
    {
        var typeface = string.IsNullOrEmpty(text) ? null : _typefaces.FirstOrDefault(t => t.ContainsGlyphs(text));
        if (typeface is null) return;
        using var font = new SKFont(typeface, size);
        // A long nickname shrinks the line rather than running off the poster.
        var width = font.MeasureText(text);
        if (width > Width - 2 * Margin) font.Size = size * (Width - 2 * Margin) / width;
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, centreX, baseline, SKTextAlign.Center, font, paint);
    }
}
