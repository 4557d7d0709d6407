import { formatTable } from '../format-table.ts';
import { listMoveTasks } from '../native-redrive.ts';
import { type DlqCommand, EXIT } from './context.ts';
import { CommonSchema, parseDlqOptions, subcommand } from './options.ts';
import { write } from './output.ts';

/** `dlq status`: the AWS move tasks of the dead-letter queue. */
export const statusCommand: DlqCommand = {
  define: (program) =>
    subcommand(program, 'status', 'show the AWS move tasks of the dead-letter queue'),
  run: async (context, flags) => {
    const options = parseDlqOptions(CommonSchema, context, flags);
    const tasks = await listMoveTasks({ sqs: context.sqs(), dlqUrl: options.dlqUrl });
    if (options.json) {
      write(context.io.stdout, JSON.stringify({ tasks }));
    } else if (tasks.length === 0) {
      write(context.io.stdout, 'No move tasks for this queue.');
    } else {
      write(
        context.io.stdout,
        formatTable(
          ['TASK', 'STATUS', 'MOVED', 'TO MOVE', 'RATE', 'STARTED', 'FAILURE'],
          tasks.map((task) => [
            task.taskHandle,
            task.status,
            task.approximateNumberOfMessagesMoved,
            task.approximateNumberOfMessagesToMove,
            task.maxNumberOfMessagesPerSecond,
            task.startedAt,
            task.failureReason,
          ]),
        ),
      );
    }
    return EXIT.ok;
  },
};
