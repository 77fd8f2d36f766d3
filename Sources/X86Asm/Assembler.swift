/// A small i386 assembler (placeholder until the encoder lands).
public struct Assembler {
    public init() {}
}
