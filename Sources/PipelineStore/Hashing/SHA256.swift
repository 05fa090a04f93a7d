import CCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SHA-256 digest, kept as 64 lowercase hex characters.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The digest as 64 lowercase hexadecimal characters.
    public let hex: String

    /// Wraps 32 digest bytes.
    public init(bytes: some Sequence<UInt8>) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        hex = String(decoding: text, as: UTF8.self)
    }

    /// Parses 64 hex characters (either case); nil for anything else.
    public init?(hex: String) {
        let lower = hex.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        self.hex = lower
    }

    /// The first `length` hex characters, for display.
    public func prefix(_ length: Int) -> String { String(hex.prefix(length)) }

    /// The hex string.
    public var description: String { hex }

    /// Orders digests by their hex text.
    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool { lhs.hex < rhs.hex }
}

/// Incremental SHA-256 over OpenSSL's EVP interface. Copies are independent (copy-on-write).
public struct SHA256Hasher {
    private var context: EVPContext

    /// Starts an empty hash.
    public init() {
        context = EVPContext()
    }

    /// Feeds raw bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        makeUnique()
        guard EVP_DigestUpdate(context.pointer, base, bytes.count) == 1 else {
            fatalError("EVP_DigestUpdate failed")
        }
    }

    /// Feeds the string's UTF-8 bytes (no terminator, no length prefix).
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Feeds a byte array.
    public mutating func update(_ data: [UInt8]) {
        data.withUnsafeBytes { update($0) }
    }

    /// Finishes the hash and returns the digest.
    public consuming func finalize() -> SHA256Digest {
        makeUnique()
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context.pointer, &output, &length) == 1, length == 32 else {
            fatalError("EVP_DigestFinal_ex failed")
        }
        return SHA256Digest(bytes: output.prefix(32))
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of a string's UTF-8 bytes in one call.
    public static func hash(_ string: String) -> SHA256Digest {
        var hasher = SHA256Hasher()
        hasher.update(string)
        return hasher.finalize()
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
    }
}

/// Owns one `EVP_MD_CTX` initialised for SHA-256.
private final class EVPContext {
    let pointer: OpaquePointer

    init() {
        guard let pointer = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        guard EVP_DigestInit_ex(pointer, EVP_sha256(), nil) == 1 else { fatalError("EVP_DigestInit_ex(sha256) failed") }
        self.pointer = pointer
    }

    private init(copying other: EVPContext) {
        guard let pointer = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        guard EVP_MD_CTX_copy_ex(pointer, other.pointer) == 1 else { fatalError("EVP_MD_CTX_copy_ex failed") }
        self.pointer = pointer
    }

    func copy() -> EVPContext { EVPContext(copying: self) }

    deinit { EVP_MD_CTX_free(pointer) }
}
