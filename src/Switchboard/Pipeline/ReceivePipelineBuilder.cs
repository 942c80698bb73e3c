namespace Switchboard.Pipeline;

/// <summary>
/// The ordered, named list of receive steps of an endpoint. Later features insert their steps relative to a
/// named step (<see cref="InsertBefore"/>, <see cref="InsertAfter"/>), never by position.
/// </summary>
public sealed class ReceivePipelineBuilder
{
    private readonly List<(string Name, Func<PipelineServices, IReceiveStep> Create)> _steps = [];

    /// <summary>The step names in order, outermost first.</summary>
    public IReadOnlyList<string> StepNames => _steps.ConvertAll(s => s.Name);

    /// <summary>Appends a step (innermost so far).</summary>
    public ReceivePipelineBuilder Add(string name, Func<PipelineServices, IReceiveStep> create)
    {
        EnsureAbsent(name);
        _steps.Add((name, create));
        return this;
    }

    /// <summary>Inserts a step just before (outside of) the named step.</summary>
    public ReceivePipelineBuilder InsertBefore(string existing, string name, Func<PipelineServices, IReceiveStep> create)
    {
        EnsureAbsent(name);
        _steps.Insert(IndexOf(existing), (name, create));
        return this;
    }

    /// <summary>Inserts a step just after (inside of) the named step.</summary>
    public ReceivePipelineBuilder InsertAfter(string existing, string name, Func<PipelineServices, IReceiveStep> create)
    {
        EnsureAbsent(name);
        _steps.Insert(IndexOf(existing) + 1, (name, create));
        return this;
    }

    /// <summary>Replaces the named step with another implementation.</summary>
    public ReceivePipelineBuilder Replace(string existing, Func<PipelineServices, IReceiveStep> create)
    {
        _steps[IndexOf(existing)] = (existing, create);
        return this;
    }

    /// <summary>Removes the named step.</summary>
    public ReceivePipelineBuilder Remove(string existing)
    {
        _steps.RemoveAt(IndexOf(existing));
        return this;
    }

    /// <summary>Creates the steps and chains them into one delegate; the innermost step's <c>next</c> does nothing.</summary>
    public ReceiveDelegate Build(PipelineServices services)
    {
        ReceiveDelegate next = static _ => ValueTask.CompletedTask;
        for (var i = _steps.Count - 1; i >= 0; i--)
        {
            var step = _steps[i].Create(services);
            var inner = next;
            next = context => step.InvokeAsync(context, inner);
        }

        return next;
    }

    private int IndexOf(string name)
    {
        var index = _steps.FindIndex(s => s.Name == name);
        return index >= 0
            ? index
            : throw new InvalidOperationException($"The receive pipeline has no step named '{name}'. Steps: {string.Join(", ", StepNames)}.");
    }

    private void EnsureAbsent(string name)
    {
        if (_steps.Exists(s => s.Name == name))
        {
            throw new InvalidOperationException($"The receive pipeline already has a step named '{name}'.");
        }
    }
}
