import Yams

/// Reads YAML text into a `SpecNode` tree, turning every libyaml/Yams error into a located diagnostic.
public enum YAMLDocument {
    /// Parses `text` (named `file` in diagnostics). Throws `ValidationFailure` for syntax errors,
    /// duplicate keys, aliases to missing anchors, or an empty document.
    public static func parse(_ text: String, file: String) throws -> SpecNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ValidationFailure([diagnostic(for: error, text: text, file: file)])
        }
        guard let node else {
            throw ValidationFailure([Diagnostic("the file is empty; expected a mapping with 'pipeline: 1', 'name' and 'stages'",
                                               at: SourceLocation(file: file, line: 1, column: 1))])
        }
        return convert(node, file: file)
    }

    private static func location(_ mark: Mark?, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, file: String) -> SpecNode {
        let at = location(node.mark, file)
        switch node {
        case .scalar(let scalar):
            return SpecNode(.scalar(scalar.string, quoted: scalar.style != .plain && scalar.style != .any), at: at)
        case .sequence(let sequence):
            return SpecNode(.list(sequence.map { convert($0, file: file) }), at: at)
        case .mapping(let mapping):
            let entries = mapping.map { key, value in
                SpecEntry(key: key.string ?? "\(key)", keyLocation: location(key.mark, file),
                          value: convert(value, file: file))
            }
            return SpecNode(.map(entries), at: at)
        case .alias(let alias):
            return SpecNode(.scalar("*\(alias)", quoted: true), at: at)
        }
    }

    private static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var at = location(mark, file)
            var message = "YAML syntax error: \(problem)"
            if let context, !context.text.isEmpty {
                if context.text.contains("flow sequence") || context.text.contains("flow mapping"), context.mark.line < mark.line {
                    // An unclosed '[' or '{' is only noticed where the next construct starts (a later line,
                    // or past the end of the file): point at the opener, which is what needs fixing.
                    at = location(context.mark, file)
                    message += " (\(context.text) that starts here; the parser stopped at \(mark.line):\(mark.column))"
                } else {
                    message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
                }
            }
            return Diagnostic(message, at: at, hint: hint(at: at, text: text, problem: problem))
        case let .reader(problem, offset, _, _):
            let line = offset.map { text.utf8.prefix($0).filter { $0 == UInt8(ascii: "\n") }.count + 1 } ?? 1
            return Diagnostic("YAML could not be read: \(problem)", at: SourceLocation(file: file, line: line, column: 1))
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? "?"
            let first = location(context.mark, file)
            let second = secondOccurrence(of: key, after: first, in: text, file: file) ?? first
            return Diagnostic("duplicate key '\(key)': it is already defined at line \(first.line), column \(first.column)",
                              at: second, hint: "a mapping may name each key once; remove or rename one of them")
        default:
            return Diagnostic("YAML error: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// A hint for errors whose libyaml wording is cryptic: tabs and unclosed brackets.
    private static func hint(at location: SourceLocation, text: String, problem: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if location.line - 1 < lines.count {
            let line = lines[location.line - 1]
            let column = line.unicodeScalars.index(line.unicodeScalars.startIndex,
                                                   offsetBy: max(0, location.column - 1),
                                                   limitedBy: line.unicodeScalars.endIndex)
            if let column, column < line.unicodeScalars.endIndex, line.unicodeScalars[column] == "\t" {
                return "YAML does not allow tabs for indentation; indent with spaces"
            }
            if line.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
                return "this line is indented with a tab; YAML needs spaces"
            }
        }
        if problem.contains("flow sequence") || problem.contains("flow mapping") || problem.contains("','") {
            return "check for an unclosed '[' or '{'"
        }
        if problem.contains("did not find expected key") {
            return "check the indentation of this line against the keys above it, and for stray characters after a value"
        }
        if problem.contains("mapping values are not allowed") {
            return "check the indentation of this line against the key above it, or quote a value containing ': '"
        }
        return nil
    }

    /// Yams reports a duplicate at its first occurrence; point at the repeat, which is the line to fix.
    private static func secondOccurrence(of key: String, after first: SourceLocation, in text: String, file: String) -> SourceLocation? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line <= lines.count else { return nil }
        let indent = first.column - 1
        for index in first.line..<lines.count {
            let line = lines[index]
            let leading = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(leading)
            if leading < indent, !rest.isEmpty, !rest.hasPrefix("#") { break }
            if leading == indent, rest.hasPrefix(key), rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") {
                return SourceLocation(file: file, line: index + 1, column: indent + 1)
            }
        }
        return nil
    }
}
