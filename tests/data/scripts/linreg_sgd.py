"""Linear regression with torch.optim.SGD: zero_grad, backward, step."""
import torch

x = torch.tensor([[0.0], [1.0], [2.0], [3.0], [4.0]])
y = torch.tensor([[1.0], [3.1], [4.9], [7.2], [8.8]])
w = torch.tensor([[0.0]], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
optimizer = torch.optim.SGD([w, b], lr=0.02)

for step in range(100):
    pred = torch.mm(x, w) + b
    loss = torch.nn.functional.mse_loss(pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f"w={w.item():.3f} b={b.item():.3f} loss={loss.item():.4f}")
