using SessionStore.Cli.Commands;

return await SessionStoreCommand.InvokeAsync(args).ConfigureAwait(false);
