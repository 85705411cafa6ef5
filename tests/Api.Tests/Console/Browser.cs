using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>
/// Headless Debian chromium driven through Debian's chromedriver (installed by ./test.sh); Selenium is given both
/// paths, so it never looks for or downloads a browser. Screenshots go to $WL_TEST_RESULTS/screenshots
/// (./test.sh's results folder) or TestResults/screenshots beside the test binaries.
/// </summary>
public sealed class Browser : IDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";

    public Browser()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
            throw new InvalidOperationException($"The console browser tests need Debian's chromium and chromium-driver ({ChromiumPath}, {DriverPath}); ./test.sh installs them.");
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,1000",
            "--lang=zh-CN", "--disable-extensions", "--no-first-run");
        // Chinese first, as the console's users' browsers are; the English switch is tested explicitly.
        options.AddUserProfilePreference("intl.accept_languages", "zh-CN,zh");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        Driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(20);
    }

    public ChromeDriver Driver { get; }

    public static string ScreenshotDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("WL_TEST_RESULTS") is { Length: > 0 } r ? r : Path.Combine(AppContext.BaseDirectory, "TestResults");
            var dir = Path.Combine(root, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public void Go(string url) => Driver.Navigate().GoToUrl(url);

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyCollection<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>
    /// Waits for a visible element. An element found while the page is being replaced (after a form post) goes stale
    /// under the wait; that is a reason to look again, not a failure.
    /// </summary>
    public IWebElement WaitFor(string css, int seconds = 20)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        return wait.Until(d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed)!);
    }

    public void WaitUntil(Func<bool> condition, int seconds = 30, string? what = null)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { Message = what ?? "condition" };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        wait.Until(_ => condition());
    }

    public void Type(string css, string text)
    {
        var e = Find(css);
        e.Clear();
        e.SendKeys(text);
    }

    public string Screenshot(string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void SignIn(string baseUrl, string user, string password)
    {
        Driver.Manage().Cookies.DeleteAllCookies();
        // Chinese, whatever an earlier test switched to.
        Go(baseUrl + "/console/lang/zh-CN?returnUrl=/console/signin");
        Type("input[name=UserName]", user);
        Type("input[name=Password]", password);
        Find("#sign-in").Click();
        WaitFor("#who");
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
