/// Named addresses in the order they were defined; defining a name again moves it to
/// the new address. An array searched in order rather than a dictionary: the tables
/// built at every start (the kernel entry text's labels, the vDSO's symbols) hold a few
/// dozen names, and the first String-keyed dictionary a run builds makes the Swift
/// runtime scan every protocol conformance in the binary (about 130,000 instructions).
public struct SymbolList: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var address: UInt32
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public subscript(name: String) -> UInt32? {
        get { entries.first { $0.name == name }?.address }
        set {
            if let i = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[i].address = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(name: name, address: newValue))
            }
        }
    }

    public var count: Int { entries.count }

    /// The same names and addresses as a dictionary, for tools that look many up.
    public var dictionary: [String: UInt32] {
        Dictionary(entries.map { ($0.name, $0.address) }, uniquingKeysWith: { _, later in later })
    }
}
