package dev.cordon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A limit option out of range is refused before anything starts, with the option, the range and the default. */
class PceLimitOptionsTest {
    @ParameterizedTest
    @CsvSource({
        "--event-retention-days, 0, 1 to 36500",
        "--max-events, 10, at least 1000",
        "--max-parked-polls, 0, at least 1",
        "--max-parked-polls-per-ven, 101, 1 to 100",
    })
    void anOutOfRangeLimitIsAOneLineError(String option, String value, String says) {
        CliRun r = CliRun.of("pce", "--listen", "127.0.0.1:0", "--plain-http", option, value);
        assertThat(r.exitCode()).isEqualTo(Cli.BAD_INPUT);
        assertThat(r.err().strip()).startsWith("bad_limit: " + option + " " + value).contains(says, "default")
                .doesNotContain("Exception");
    }

    @ParameterizedTest
    @CsvSource({"--event-retention-days, ninety", "--max-events, lots"})
    void aLimitThatIsNotANumberIsRefusedByName(String option, String value) {
        CliRun r = CliRun.of("pce", option, value);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains(option, value);
    }
}
