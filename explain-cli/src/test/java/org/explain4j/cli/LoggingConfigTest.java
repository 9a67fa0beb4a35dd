package org.explain4j.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's log4j2.xml loads, logs to stderr at WARN, and --verbose lowers the level for one run. */
class LoggingConfigTest {
    @Test
    void configurationLoadsFromTheCliResources() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        assertInstanceOf(XmlConfiguration.class, config, "log4j2.xml parsed, not the default configuration");
        ConsoleAppender stderr = assertInstanceOf(ConsoleAppender.class, config.getAppender("stderr"));
        assertEquals(ConsoleAppender.Target.SYSTEM_ERR, stderr.getTarget());
    }

    @Test
    void verboseRaisesTheLevelForItsRunOnly() {
        assertEquals(0, ExplainCliTest.run("--verbose", "models").code());
        assertEquals(Level.INFO, LogManager.getRootLogger().getLevel());
        assertEquals(0, ExplainCliTest.run("models").code());
        assertEquals(Level.WARN, LogManager.getRootLogger().getLevel());
    }

    @Test
    void julRecordsReachLog4j() {
        // the launcher and surefire set java.util.logging.manager to log4j-jul's LogManager
        assertTrue(java.util.logging.LogManager.getLogManager().getClass().getName().startsWith("org.apache.logging.log4j.jul"),
                java.util.logging.LogManager.getLogManager().getClass().getName());
    }
}
