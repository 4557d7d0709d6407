import * as z from 'zod';
import { cancelMoveTask } from '../native-redrive.ts';
import { type DlqCommand, EXIT } from './context.ts';
import { CommonSchema, parseOptions } from './options.ts';
import { write } from './output.ts';

const CancelSchema = CommonSchema.omit({ dlqUrl: true }).extend({
  taskHandle: z.string().min(1),
});

/** `dlq cancel <taskHandle>`: stops a running AWS move task (needs no queue URL). */
export const cancelCommand: DlqCommand = {
  define: (program) =>
    program
      .command('cancel')
      .description('cancel a running AWS move task')
      .argument('<taskHandle>', 'handle printed by `replay --all --native` or `status`')
      .option('--json', 'machine-readable output on stdout')
      .exitOverride(),
  run: async (context, flags) => {
    const options = parseOptions(CancelSchema, flags);
    const moved = await cancelMoveTask({ sqs: context.sqs(), taskHandle: options.taskHandle });
    if (options.json) {
      write(context.io.stdout, JSON.stringify({ taskHandle: options.taskHandle, moved }));
    } else {
      write(
        context.io.stdout,
        `Cancelled ${options.taskHandle}; about ${moved} message(s) had been moved.`,
      );
    }
    return EXIT.ok;
  },
};
