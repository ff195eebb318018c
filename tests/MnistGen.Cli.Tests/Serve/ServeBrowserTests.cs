using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MnistGen.Cli.Tests.Serve;

/// <summary>
/// Debian's chromium, headless, driven by Playwright (its own browser download cannot work here). A missing
/// chromium fails every browser test with the command that installs it; nothing is skipped.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium; MNISTGEN_CHROMIUM names another executable (another distribution's path).</summary>
    public static readonly string Executable = Environment.GetEnvironmentVariable("MNISTGEN_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _problem;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            _problem = $"{Executable} is missing: the browser tests need Debian's chromium (apt-get install -y chromium); Playwright's own browser download cannot work here.";
            return;
        }
        _playwright = await Playwright.CreateAsync();
        try
        {
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                // --no-sandbox: the tests run as root. The rest keeps chromium off the network and quiet.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
        }
        catch (PlaywrightException e)
        {
            _problem = $"{Executable} did not start under Playwright ({e.Message.Split('\n')[0]}); reinstall it with apt-get install -y chromium.";
        }
    }

    public async Task<IPage> NewPage(bool touch = false)
    {
        if (_problem is not null) Assert.Fail(_problem);
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1100, Height = 520 },
            HasTouch = touch,
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The page of <c>mnistgen serve</c> in a real browser: strokes drawn with mouse (and touch) events.</summary>
[Collection("Serve")]
public sealed class ServeBrowserTests(ServeFixture server, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    /// <summary>Where the page's screenshots go; MNISTGEN_UPDATE_DOCS=1 also copies the README's one into docs/.</summary>
    private static readonly string Artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    private static readonly (float X, float Y)[] One = [(0.5f, 0.15f), (0.5f, 0.85f)];
    private static readonly (float X, float Y)[] Seven = [(0.25f, 0.2f), (0.75f, 0.2f), (0.45f, 0.85f)];

    [Fact]
    public async Task Drawing_a_1_and_then_a_7_with_the_mouse_shows_each_as_the_top_class()
    {
        var page = await Open();
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        await Draw(page, One, MouseStroke);
        await Expect(page.Locator("#answer")).ToHaveAttributeAsync("data-class", "1");
        await AssertModelSawInk(page);
        await AssertBarsShowTheAnswer(page, 1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "serve-1.png") });

        await page.ClickAsync("#clear");
        await Expect(page.Locator("#answer")).ToHaveAttributeAsync("data-class", "");
        await Draw(page, Seven, MouseStroke);
        await Expect(page.Locator("#answer")).ToHaveAttributeAsync("data-class", "7");
        await AssertBarsShowTheAnswer(page, 7);
        var screenshot = Path.Combine(Artifacts, "serve-7.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        output.WriteLine("screenshot: " + screenshot);
        if (Environment.GetEnvironmentVariable("MNISTGEN_UPDATE_DOCS") == "1")
            File.Copy(screenshot, Path.Combine(Repository.Root, "docs", "serve.png"), overwrite: true);

        // Everything the page loaded came from this server: no CDN, nothing outside the machine.
        Assert.NotEmpty(requests);
        Assert.All(requests, url => Assert.StartsWith(server.BaseAddress.ToString(), url));
    }

    [Fact]
    public async Task The_chart_updates_while_the_stroke_is_still_being_drawn()
    {
        var page = await Open();
        var box = await PadBox(page);
        await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, box.Y + box.Height * 0.15f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, box.Y + box.Height * 0.85f, new MouseMoveOptions { Steps = 12 });
        // The button is still down: the answer must already be there.
        await Expect(page.Locator("#answer")).ToHaveAttributeAsync("data-class", "1");
        await page.Mouse.UpAsync();
    }

    [Fact]
    public async Task Switching_models_in_the_picker_asks_the_other_model()
    {
        var page = await Open();
        var picker = page.Locator("#model");
        var options = await picker.Locator("option").AllTextContentsAsync();
        Assert.Equal(2, options.Count);
        Assert.All(options, o => Assert.Matches(@"^Mlp \(mlp/[0-9-]+\) – \d+\.\d\d%$", o));

        await Draw(page, One, MouseStroke);
        var answer = page.Locator("#answer");
        await Expect(answer).ToHaveAttributeAsync("data-model", server.ModelIds[0]);
        await Expect(answer).ToHaveAttributeAsync("data-class", "1");
        var first = await BarValues(page);

        await picker.SelectOptionAsync(server.ModelIds[1]);
        await Expect(answer).ToHaveAttributeAsync("data-model", server.ModelIds[1]);
        await Expect(answer).ToHaveAttributeAsync("data-class", "1");
        await Expect(page.Locator("#model-info")).ToContainTextAsync("mlp, 1 epoch");
        Assert.NotEqual(first, await BarValues(page));
    }

    [Fact]
    public async Task A_digit_drawn_with_touch_events_is_recognised_too()
    {
        var page = await Open(touch: true);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var box = await PadBox(page);
        async Task Touch(string type, float x, float y) => await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
        {
            ["type"] = type,
            ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x, ["y"] = y } },
        });
        var (x, top, bottom) = (box.X + box.Width * 0.5f, box.Y + box.Height * 0.15f, box.Y + box.Height * 0.85f);
        await Touch("touchStart", x, top);
        for (var i = 1; i <= 12; i++) await Touch("touchMove", x, top + (bottom - top) * i / 12);
        await Touch("touchEnd", x, bottom);
        await Expect(page.Locator("#answer")).ToHaveAttributeAsync("data-class", "1");
    }

    private async Task<IPage> Open(bool touch = false)
    {
        var page = await browser.NewPage(touch);
        await page.GotoAsync(server.BaseAddress.ToString());
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        return page;
    }

    private static async Task<LocatorBoundingBoxResult> PadBox(IPage page) =>
        await page.Locator("#pad").BoundingBoxAsync() ?? throw new InvalidOperationException("The drawing canvas is not visible.");

    private delegate Task Stroke(IPage page, LocatorBoundingBoxResult box, (float X, float Y)[] points);

    private static async Task Draw(IPage page, (float X, float Y)[] points, Stroke stroke) => await stroke(page, await PadBox(page), points);

    /// <summary>Real mouse events: press at the first point, move through the others in small steps, release.</summary>
    private static async Task MouseStroke(IPage page, LocatorBoundingBoxResult box, (float X, float Y)[] points)
    {
        float X(float f) => (float)(box.X + box.Width * f);
        float Y(float f) => (float)(box.Y + box.Height * f);
        await page.Mouse.MoveAsync(X(points[0].X), Y(points[0].Y));
        await page.Mouse.DownAsync();
        foreach (var (x, y) in points.Skip(1)) await page.Mouse.MoveAsync(X(x), Y(y), new MouseMoveOptions { Steps = 10 });
        await page.Mouse.UpAsync();
    }

    private static async Task<string> BarValues(IPage page) =>
        string.Join(" ", await page.Locator("#bars .value").AllTextContentsAsync());

    private static async Task AssertBarsShowTheAnswer(IPage page, int digit)
    {
        var values = (await page.Locator("#bars .value").AllTextContentsAsync())
            .Select(v => double.Parse(v.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(10, values.Length);
        Assert.Equal(digit, Array.IndexOf(values, values.Max()));
        Assert.InRange(values.Sum(), 99.0, 101.0);
        // Each bar is as long as its number says (the chart is drawn, not just labelled).
        var lengths = await page.EvaluateAsync<double[]>(
            "() => [...document.querySelectorAll('#bars .track')].map(t => t.firstChild.getBoundingClientRect().width / t.getBoundingClientRect().width)");
        Assert.Equal(10, lengths.Length);
        for (var c = 0; c < 10; c++) Assert.InRange(lengths[c], values[c] / 100 - 0.02, values[c] / 100 + 0.02);
    }

    /// <summary>The 28x28 image the model saw is drawn on the page and holds a white digit on black.</summary>
    private static async Task AssertModelSawInk(IPage page)
    {
        var brightest = await page.EvaluateAsync<int>(
            "() => { const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data; let m = 0; for (let i = 0; i < d.length; i += 4) m = Math.max(m, d[i]); return m; }");
        Assert.True(brightest > 200, $"the model's 28x28 view has no ink (brightest {brightest})");
    }
}
