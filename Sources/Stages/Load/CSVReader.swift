/// A parsed CSV file: header names and rows of raw string cells.
public struct CSVTable: Sendable, Equatable {
    /// Column names (`column0`, `column1`, … when the file has no header row).
    public let header: [String]
    /// Data rows; every row has `header.count` cells.
    public let rows: [[String]]
    /// The 1-based line on which each row starts (rows can span lines inside quoted fields).
    public let rowLines: [Int]
    /// The file the table came from, for error messages.
    public let path: String

    /// Creates a table (rows must have `header.count` cells).
    public init(header: [String], rows: [[String]], rowLines: [Int], path: String) {
        self.header = header
        self.rows = rows
        self.rowLines = rowLines
        self.path = path
    }

    /// The index of the column called `name`.
    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// An RFC 4180 CSV parser: header row, quoted fields containing delimiters, doubled quotes and newlines,
/// LF or CRLF line ends, any single-byte delimiter, optional UTF-8 byte-order mark.
///
/// Lenient where files commonly deviate: a quote inside an unquoted field is kept literally, completely empty
/// lines are skipped. Strict where guessing would corrupt data: text after a closing quote, an unterminated
/// quoted field, or a row whose field count differs from the header's are errors naming the line.
public enum CSVReader {
    /// Reads a CSV file (gzip-compressed files are inflated transparently).
    public static func read(_ path: String, delimiter: UInt8 = UInt8(ascii: ","), hasHeader: Bool = true) throws -> CSVTable {
        try parse(Gzip.readFile(path), path: path, delimiter: delimiter, hasHeader: hasHeader)
    }

    /// Parses CSV text.
    public static func parse(_ text: String, path: String = "<memory>", delimiter: UInt8 = UInt8(ascii: ","),
                             hasHeader: Bool = true) throws -> CSVTable {
        try parse(Array(text.utf8), path: path, delimiter: delimiter, hasHeader: hasHeader)
    }

    /// Parses CSV bytes (UTF-8).
    public static func parse(_ bytes: [UInt8], path: String = "<memory>", delimiter: UInt8 = UInt8(ascii: ","),
                             hasHeader: Bool = true) throws -> CSVTable {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        guard delimiter != quote, delimiter != newline, delimiter != carriageReturn else {
            throw DataLoadError(path: path, "invalid CSV delimiter \(delimiter)")
        }
        var records: [[String]] = []
        var recordLines: [Int] = []

        try bytes.withUnsafeBufferPointer { input in
            var index = 0
            if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { index = 3 }
            var line = 1
            var field: [UInt8] = []
            var record: [String] = []
            var recordLine = 1
            var fieldWasQuoted = false
            var recordStarted = false

            func endField() {
                record.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                fieldWasQuoted = false
            }
            func endRecord() {
                endField()
                // A line with nothing on it is skipped rather than read as one empty field.
                if !(record.count == 1 && record[0].isEmpty && !recordStarted) {
                    records.append(record)
                    recordLines.append(recordLine)
                }
                record.removeAll(keepingCapacity: true)
                recordStarted = false
            }

            while index < input.count {
                let byte = input[index]
                if !recordStarted && record.isEmpty && field.isEmpty {
                    recordLine = line
                }
                if byte == quote && field.isEmpty && !fieldWasQuoted {
                    // Quoted field: runs to the next quote not followed by another quote.
                    recordStarted = true
                    fieldWasQuoted = true
                    let openingLine = line
                    index += 1
                    var closed = false
                    while index < input.count {
                        let inner = input[index]
                        if inner == quote {
                            if index + 1 < input.count && input[index + 1] == quote {
                                field.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        }
                        if inner == newline { line += 1 }
                        field.append(inner)
                        index += 1
                    }
                    guard closed else {
                        throw DataLoadError(path: path, "line \(openingLine): quoted field is never closed")
                    }
                    if index < input.count {
                        let next = input[index]
                        let atLineEnd = next == newline
                            || (next == carriageReturn && (index + 1 == input.count || input[index + 1] == newline))
                        guard next == delimiter || atLineEnd else {
                            let shown = String(decoding: [next], as: UTF8.self)
                            throw DataLoadError(path: path, "line \(line): unexpected '\(shown)' after closing quote (expected delimiter or end of line)")
                        }
                    }
                    continue
                }
                switch byte {
                case delimiter:
                    recordStarted = true
                    endField()
                    index += 1
                case newline:
                    endRecord()
                    line += 1
                    index += 1
                case carriageReturn:
                    endRecord()
                    index += 1
                    if index < input.count && input[index] == newline { index += 1 }
                    line += 1
                default:
                    recordStarted = true
                    field.append(byte)
                    index += 1
                }
            }
            if recordStarted || !field.isEmpty || !record.isEmpty { endRecord() }
        }

        var header: [String]
        var rowStart = 0
        if hasHeader {
            guard let first = records.first else { throw DataLoadError(path: path, "CSV file is empty (no header row)") }
            header = first
            rowStart = 1
        } else {
            header = (0..<(records.first?.count ?? 0)).map { "column\($0)" }
        }
        for (offset, record) in records.enumerated().dropFirst(rowStart) where record.count != header.count {
            throw DataLoadError(path: path, "line \(recordLines[offset]): \(record.count) fields, but the header has \(header.count)")
        }
        if hasHeader, let duplicate = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw DataLoadError(path: path, "line \(recordLines[0]): column name '\(duplicate)' appears more than once")
        }
        return CSVTable(header: header, rows: Array(records[rowStart...]), rowLines: Array(recordLines[rowStart...]),
                        path: path)
    }
}
