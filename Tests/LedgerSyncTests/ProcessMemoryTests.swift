import LedgerSync
import ProcessTuning
import Testing

@Suite("Process memory")
struct ProcessMemoryTests {
    @Test("The malloc arena cap is set on glibc, and left alone when the environment sets MALLOC_ARENA_MAX")
    func arenaCap() {
        #expect(!ProcessMemory.limitMallocArenas(to: 64, environment: ["MALLOC_ARENA_MAX": "4"]))
        #if canImport(Glibc)
        // 64 is above glibc's default for this machine (8 per core), so the test process keeps its behaviour.
        #expect(ProcessMemory.limitMallocArenas(to: 64, environment: [:]))
        #endif
    }
}
