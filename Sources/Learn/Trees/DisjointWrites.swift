// Raw pointers handed to `DispatchQueue.concurrentPerform` workers that read shared input and write
// disjoint ranges (one feature chunk, one tree slot each). The unchecked Sendable is the whole contract:
// no two iterations write the same element, and nothing reads an element another iteration writes.

/// A pointer shared with parallel workers that touch disjoint elements.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    init(_ base: UnsafePointer<T>) { self.base = UnsafeMutablePointer(mutating: base) }
    @inline(__always) subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}
