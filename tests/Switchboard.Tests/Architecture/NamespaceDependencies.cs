using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Switchboard.Tests.Architecture;

/// <summary>
/// Which namespaces of an assembly use which, read from its compiled code with Mono.Cecil: base types, interfaces,
/// fields, signatures, locals and every type, method and field an instruction names (so also what only a method body
/// uses). Nested and compiler-generated types count for the namespace of the type that declares them.
/// </summary>
internal static class NamespaceDependencies
{
    /// <summary>For each namespace of <paramref name="assemblyPath"/>, the other namespaces of it that it uses, with the types that use each.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>> Read(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new Dictionary<string, Dictionary<string, HashSet<string>>>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            var from = Outermost(type);
            foreach (var used in UsedTypes(type))
            {
                Add(edges, module, from, used);
            }
        }

        return edges.ToDictionary(
            e => e.Key,
            e => (IReadOnlyDictionary<string, IReadOnlySet<string>>)e.Value.ToDictionary(u => u.Key, u => (IReadOnlySet<string>)u.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null)
        {
            yield return type.BaseType;
        }

        foreach (var implemented in type.Interfaces)
        {
            yield return implemented.InterfaceType;
        }

        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
        }

        foreach (var method in type.Methods)
        {
            yield return method.ReturnType;
            foreach (var parameter in method.Parameters)
            {
                yield return parameter.ParameterType;
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var variable in method.Body.Variables)
            {
                yield return variable.VariableType;
            }

            foreach (var instruction in method.Body.Instructions)
            {
                foreach (var used in Operand(instruction))
                {
                    yield return used;
                }
            }
        }
    }

    private static IEnumerable<TypeReference> Operand(Instruction instruction)
    {
        switch (instruction.Operand)
        {
            case TypeReference type:
                yield return type;
                break;
            case MethodReference method:
                yield return method.DeclaringType;
                yield return method.ReturnType;
                foreach (var parameter in method.Parameters)
                {
                    yield return parameter.ParameterType;
                }

                if (method is GenericInstanceMethod generic)
                {
                    foreach (var argument in generic.GenericArguments)
                    {
                        yield return argument;
                    }
                }

                break;
            case FieldReference field:
                yield return field.DeclaringType;
                yield return field.FieldType;
                break;
        }
    }

    private static void Add(Dictionary<string, Dictionary<string, HashSet<string>>> edges, ModuleDefinition module, TypeDefinition from, TypeReference used)
    {
        switch (used)
        {
            case GenericInstanceType generic:
                Add(edges, module, from, generic.ElementType);
                foreach (var argument in generic.GenericArguments)
                {
                    Add(edges, module, from, argument);
                }

                return;
            case TypeSpecification specification:
                Add(edges, module, from, specification.ElementType);
                return;
            case GenericParameter:
                return;
        }

        // Only this assembly's own types: a type of another assembly names that assembly in its scope.
        if (used.Scope is not ModuleDefinition)
        {
            return;
        }

        var target = Outermost(used).Namespace;
        if (target == from.Namespace)
        {
            return;
        }

        if (!edges.TryGetValue(from.Namespace, out var targets))
        {
            edges[from.Namespace] = targets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        }

        if (!targets.TryGetValue(target, out var users))
        {
            targets[target] = users = new HashSet<string>(StringComparer.Ordinal);
        }

        users.Add(from.Name);
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }
}
