using System.Net;
using Microsoft.AspNetCore.Builder;
using MnistGen.Cli.Commands;
using MnistGen.Cli.Serving;

namespace MnistGen.Cli.Tests.Serve;

/// <summary>
/// Two runs trained through <c>mnistgen train</c> on the real MNIST (one epoch of the MLP each, seeds 1 and 2,
/// about a second each), loaded the way <c>mnistgen serve</c> loads them and served by Kestrel on a free
/// loopback port for the whole collection.
/// </summary>
public sealed class ServeFixture : IAsyncLifetime
{
    private List<ServedModel> _models = [];
    private WebApplication? _app;

    public string OutRoot { get; } = Directory.CreateTempSubdirectory("mnistgen-serve-").FullName;
    public string[] RunDirectories { get; private set; } = [];
    public string[] ModelIds { get; private set; } = [];
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var runs = new List<string>();
        foreach (var seed in new[] { "1", "2" })
        {
            var outRoot = Path.Combine(OutRoot, "seed" + seed);
            var train = CliRunner.Run("train", "mlp", "--epochs", "1", "--seed", seed, "--threads", "1", "--data", Repository.MnistDirectory, "--out", outRoot);
            Assert.True(train.ExitCode == 0, "training the served model failed: " + train.Err);
            runs.Add(Directory.GetDirectories(Path.Combine(outRoot, "mlp")).Single());
        }
        RunDirectories = [.. runs];
        var loaded = ServeCommand.LoadAll(RunDirectories, workers: 2);
        Assert.True(loaded.IsOk, string.Join("; ", loaded.Errors));
        _models = loaded.Value;
        ModelIds = [.. _models.Select(m => m.Info.Id)];
        _app = ServeApp.Build(_models, IPAddress.Loopback, 0);
        await _app.StartAsync();
        BaseAddress = ServeApp.Address(_app);
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        foreach (var model in _models) model.Dispose();
        Directory.Delete(OutRoot, recursive: true);
    }
}

[CollectionDefinition("Serve")]
public sealed class ServeCollection : ICollectionFixture<ServeFixture>;
