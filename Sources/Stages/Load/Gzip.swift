import CZlib
import Foundation

/// Whole-file gzip decompression (and compression) over zlib.
public enum Gzip {
    /// Whether `bytes` starts with the gzip magic number 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Reads a file, inflating it when it is gzip-compressed and returning it unchanged otherwise.
    public static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw DataLoadError(path: path, exists ? "cannot read file" : "no such file")
        }
        let bytes = [UInt8](data)
        return isGzip(bytes) ? try decompress(bytes, path: path) : bytes
    }

    /// Inflates gzip data, including files made of several concatenated gzip members.
    /// Trailing zero padding is ignored; any other trailing bytes are an error.
    public static func decompress(_ bytes: [UInt8], path: String = "<memory>") throws -> [UInt8] {
        var output: [UInt8] = []
        if bytes.count >= 4 {
            // ISIZE (the last member's uncompressed size mod 2^32) is a good capacity hint.
            let tail = bytes.count - 4
            let size = Int(bytes[tail]) | Int(bytes[tail + 1]) << 8 | Int(bytes[tail + 2]) << 16 | Int(bytes[tail + 3]) << 24
            output.reserveCapacity(size)
        }
        var stream = z_stream()
        // 15 + 32: maximum window, and auto-detect the gzip (or zlib) header.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataLoadError(path: path, "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }

        let scratchSize = 1 << 18
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchSize)
        defer { scratch.deallocate() }

        try bytes.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress, input.count > 0 else {
                throw DataLoadError(path: path, "empty file is not gzip data")
            }
            var consumed = 0
            while true {
                // avail_in is 32-bit: feed at most 1 GiB at a time.
                if stream.avail_in == 0 && consumed < input.count {
                    let chunk = min(input.count - consumed, 1 << 30)
                    stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.avail_in = UInt32(chunk)
                    consumed += chunk
                }
                stream.next_out = scratch
                stream.avail_out = UInt32(scratchSize)
                let status = inflate(&stream, Z_NO_FLUSH)
                output.append(contentsOf: UnsafeBufferPointer(start: scratch, count: scratchSize - Int(stream.avail_out)))
                switch status {
                case Z_STREAM_END:
                    let position = consumed - Int(stream.avail_in)
                    let rest = input[position...]
                    if rest.isEmpty { return }
                    if rest.count >= 2 && rest[position] == 0x1f && rest[position + 1] == 0x8b {
                        guard inflateReset(&stream) == Z_OK else { throw DataLoadError(path: path, "zlib inflateReset failed") }
                        continue
                    }
                    if rest.allSatisfy({ $0 == 0 }) { return }
                    throw DataLoadError(path: path, "\(rest.count) bytes of trailing garbage after gzip data at offset \(position)")
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0 && consumed == input.count:
                    throw DataLoadError(path: path, "truncated gzip data (input ended before the end of the stream)")
                case Z_BUF_ERROR:
                    continue
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DataLoadError(path: path, "corrupt gzip data: \(detail)")
                }
            }
        }
        return output
    }

    /// Compresses `bytes` (up to 4 GiB) into a single gzip member, for test fixtures and compressed outputs.
    public static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: maximum window, write a gzip header and trailer.
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataLoadError(path: "<memory>", "zlib deflateInit2 failed (level \(level))")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw DataLoadError(path: "<memory>", "zlib deflate failed (\(status))") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }
}
